package io.nbo.testing;

import static io.restassured.RestAssured.given;

import io.nbo.rules.RuleSetCompiler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.Map;

/** Rule-set files for API tests, in one place. */
public final class RuleSets {

    /** Puts bestsellers first for requests with the context {@code test: lifecycle}, and changes nothing else. */
    public static final String BESTSELLERS_FIRST = Drl.file(Drl.rule("Lifecycle test puts bestsellers first")
            .context("test", "lifecycle").offer("bestsellers-discovery").eligible("test").boost(1000, "test boost"));

    /** A rule whose condition never closes: the parser stops at line 6 or 7. */
    public static final String BROKEN = "package rules;\nimport io.nbo.model.*;\nrule \"Broken\"\nwhen\n  $r : Result(\nthen\nend\n";

    private RuleSets() {
    }

    /** The files of the rules folder, scenarios included, to change and upload. */
    public static Map<String, String> folder() {
        return RuleSetCompiler.readFolderAndTests(Path.of("rules"));
    }

    /** Makes {@code dir} a fresh copy of the files of rules/ (not its tests), for a test that edits them; returns it. */
    public static Path copyOfRulesFolder(Path dir) {
        try {
            Files.createDirectories(dir);
            try (Stream<Path> old = Files.list(dir)) {
                for (Path f : old.filter(Files::isRegularFile).toList()) {
                    Files.delete(f);
                }
            }
            try (Stream<Path> files = Files.list(Path.of("rules"))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The version serving on the application under test. */
    public static String activeVersion() {
        return given().get("/v1/rulesets/active").then().statusCode(200).extract().jsonPath().getString("version");
    }
}
