package io.nbo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesCommandsTest {

    @TempDir
    Path dir;

    /** A copy of the real rules folder, scenarios included, to break. */
    Path copyOfRules() throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.createDirectories(rules.resolve("tests"));
        try (Stream<Path> files = Files.walk(Path.of("rules"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, rules.resolve(Path.of("rules").relativize(f).toString()));
            }
        }
        return rules;
    }

    @Test
    void theRealRulesValidateAndPassTheirScenarios() {
        Cli.Run validate = Cli.run("validate", "rules");
        assertThat(validate.exitCode()).isZero();
        assertThat(validate.out()).matches("(?s)rules: valid, version [0-9a-f]{12}, \\d+ rules, \\d+ offers\\s*");

        Cli.Run test = Cli.run("test", "rules");
        assertThat(test.exitCode()).isZero();
        assertThat(test.outLines()).anyMatch(l -> l.startsWith("PASS  ")).noneMatch(l -> l.startsWith("FAIL"));
        assertThat(test.outLines().get(test.outLines().size() - 1)).matches("\\d+ passed, 0 failed");
    }

    @Test
    void aBrokenFileIsReportedWithFileLineAndColumn() throws Exception {
        Path rules = copyOfRules();
        Files.writeString(rules.resolve("broken.drl"), "package rules;\nimport io.nbo.model.*;\nrule \"Broken\"\nwhen\n  Customer(\nthen\nend\n");

        Cli.Run run = Cli.run("validate", rules.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).anyMatch(l -> l.matches(".*broken\\.drl:[67]:\\d+: .*"));
        assertThat(run.outLines().get(run.outLines().size() - 1)).endsWith("error(s); nothing was published");
    }

    @Test
    void aFailingScenarioFailsTheRunAndSaysWhy() throws Exception {
        Path rules = copyOfRules();
        Files.writeString(rules.resolve("tests").resolve("zz-wrong.yaml"), """
                name: An unknown visitor gets an offer that does not exist
                now: 2026-11-23T12:00:00Z
                request: {channel: web, limit: 1}
                expect: {top: no-such-offer}
                """);

        Cli.Run run = Cli.run("test", rules.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).anyMatch(l -> l.startsWith("FAIL  zz-wrong.yaml  An unknown visitor gets an offer that does not exist"));
        assertThat(run.outLines()).anyMatch(l -> l.contains("expected top offer no-such-offer"));
        assertThat(run.outLines().get(run.outLines().size() - 1)).matches("\\d+ passed, 1 failed");
    }

    @Test
    void aMissingFolderIsAUsageError() {
        Cli.Run run = Cli.run("test", dir.resolve("nope").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no rules folder at");
    }
}
