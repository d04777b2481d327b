package io.nbo.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./nbo}, the command line's launcher, on the packaged application: one short command, nothing
 * printed but what the command prints (no logging set-up noise), whole help texts.
 */
class LauncherIT {

    @TempDir
    Path tmp;

    /** What one run printed, standard output and error kept apart. */
    record Run(int exitCode, String out, String err) {
    }

    Run nbo(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("./nbo"));
        command.addAll(List.of(args));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command) + " finished").isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryCommandWholeAndNothingElseIsPrinted() throws Exception {
        Run help = nbo("--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.err()).isEmpty();
        assertThat(help.out()).startsWith("Usage: nbo ");
        String flat = help.out().replaceAll("\\s+", " ");
        assertThat(flat).contains("test Compiles a rules folder and runs its scenarios.")
                .contains("simulate Shows what a candidate rules folder would offer stored customers, serving nothing.")
                .contains("publish Publishes a rules folder through a running nbo (POST /v1/rulesets).");

        Run simulate = nbo("help", "simulate");
        assertThat(simulate.exitCode()).isZero();
        assertThat(simulate.out().replaceAll("\\s+", " ")).contains("and how many top offers change.");
    }

    @Test
    void commandsPrintTheirOutputOnlyWithNoLoggingNoise() throws Exception {
        Run generate = nbo("generate", "--count", "2", "--out", tmp.resolve("c.jsonl").toString());
        assertThat(generate.exitCode()).isZero();
        assertThat(generate.out()).isEmpty();
        // the one line generate says; before the launcher set JBoss LogManager up, an ERROR about it came first
        assertThat(generate.err().lines().toList()).hasSize(1).allSatisfy(l -> assertThat(l).startsWith("generated 2 customers"));
        assertThat(Files.readAllLines(tmp.resolve("c.jsonl"))).hasSize(2);

        Run validate = nbo("validate", "rules");
        assertThat(validate.exitCode()).isZero();
        assertThat(validate.err()).isEmpty();
        assertThat(validate.out()).startsWith("rules: valid, version ");

        Run key = nbo("keys", "new");
        assertThat(key.exitCode()).isZero();
        assertThat(key.err()).isEmpty();
        assertThat(key.out().strip()).matches("[A-Za-z0-9_-]{43}");
    }
}
