package io.nbo.rules;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.testing.Drl;
import io.nbo.testing.RedisServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A marketer edits the rules folder; the running service picks it up, and refuses a broken edit. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@TestProfile(RuleReloadTest.CopiedRules.class)
class RuleReloadTest {

    /** Runs the service on a copy of rules/, so the test can edit it. */
    public static class CopiedRules implements QuarkusTestProfile {
        // A fixed path: this class is loaded by both the test's and the application's class loader.
        static final Path DIR = Path.of("target", "rules-under-test").toAbsolutePath();

        @Override
        public Map<String, String> getConfigOverrides() {
            copyRules();
            // A long poll: the edits below must arrive through file events.
            return Map.of("nbo.rules.dir", DIR.toString(), "nbo.rules.poll-interval", "1h");
        }

        private static void copyRules() {
            io.nbo.testing.RuleSets.copyOfRulesFolder(DIR);
            // An empty tests/ folder from the start, so the watcher sees the scenario the test adds (the poll is an hour).
            try {
                Path tests = Files.createDirectories(DIR.resolve("tests"));
                try (Stream<Path> old = Files.list(tests)) {
                    for (Path f : old.toList()) {
                        Files.delete(f);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static JsonPath anonymousWebDecision() {
        return given().contentType(ContentType.JSON).body(Map.of("channel", "web", "placement", "home-hero", "limit", 5))
                .post("/v1/decisions").then().statusCode(200).extract().jsonPath();
    }

    static JsonPath ruleSetHealth() {
        return given().get("/q/health/ready").then().extract().jsonPath();
    }

    static String activeVersion() {
        return ruleSetHealth().getString("checks.find { it.name == 'rule-set' }.data.version");
    }

    static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        // A wait, not a target: compiling and testing the folder takes seconds on a busy machine.
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!condition.get()) {
            assertThat(Instant.now()).as("waiting for " + what).isBefore(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void anEditedRuleChangesTheNextDecisionABrokenEditIsRefusedAndItsErrorGoesWithTheFix() throws Exception {
        String before = activeVersion();
        JsonPath first = anonymousWebDecision();
        String top = first.getString("offers[0].offerId");
        assertThat(first.getString("ruleSetVersion")).isEqualTo(before);

        Files.writeString(CopiedRules.DIR.resolve("zz-test.drl"),
                Drl.file(Drl.rule("Test switches off the top offer").offer(top).exclude("switched off by the test")));
        String editedDrl = Files.readString(CopiedRules.DIR.resolve("zz-test.drl"));
        await("the edited rule set", () -> !before.equals(activeVersion()));
        String edited = activeVersion();

        JsonPath second = anonymousWebDecision();
        assertThat(second.getString("ruleSetVersion")).isEqualTo(edited);
        assertThat(second.getList("offers.offerId")).doesNotContain(top);
        assertThat(second.getList("suppressed.offerId")).contains(top);
        await("the folder's publish in the audit log", () -> given().get("/v1/audit").then().statusCode(200).extract().jsonPath()
                .getList("findAll { it.actor == 'rules folder' && it.action == 'ruleset.publish' && it.outcome == 'ok' }.target")
                .contains("version " + edited));

        Files.writeString(CopiedRules.DIR.resolve("zz-test.drl"), "\nrule \"Broken\" when then oops(;\n", StandardOpenOption.APPEND);
        await("the broken edit to be reported", () -> ruleSetHealth().getString("checks.find { it.name == 'rule-set' }.data.lastError") != null);

        String lastError = ruleSetHealth().getString("checks.find { it.name == 'rule-set' }.data.lastError");
        assertThat(lastError).matches("zz-test\\.drl:1[0-9]+.*").contains("Broken");
        assertThat(activeVersion()).isEqualTo(edited);
        await("the refused edit in the audit log", () -> given().get("/v1/audit").then().statusCode(200).extract().jsonPath()
                .getList("findAll { it.actor == 'rules folder' && it.outcome == 'refused' }").size() == 1);
        JsonPath third = anonymousWebDecision();
        assertThat(third.getString("ruleSetVersion")).isEqualTo(edited);
        assertThat(third.getList("offers.offerId")).isEqualTo(second.getList("offers.offerId"));
        assertThat(given().get("/q/metrics").then().extract().asString()).containsPattern("nbo_ruleset_reloads_total\\{result=\"failed\"\\} [1-9]");

        // "Fix the file and save again": saved back as it was, the error is gone from health and the API
        Files.writeString(CopiedRules.DIR.resolve("zz-test.drl"), editedDrl);
        await("the error to clear after the fix", () -> ruleSetHealth().getString("checks.find { it.name == 'rule-set' }.data.lastError") == null);
        assertThat(given().get("/v1/rulesets/active").then().statusCode(200).extract().jsonPath().getString("lastFailure")).isNull();
        assertThat(activeVersion()).isEqualTo(edited);

        // a failing scenario is refused; fixed, it publishes the same rules (the same version), and the error goes too
        Path scenario = CopiedRules.DIR.resolve("tests").resolve("zz-reload.yaml");
        String failing = """
                name: the reload test's scenario
                now: 2026-11-23T12:00:00Z
                request: {channel: web, placement: home-hero, limit: 5}
                expect:
                  includes: [%s]
                """;
        Files.writeString(scenario, failing.formatted(top));
        await("the failing scenario to be reported", () -> ruleSetHealth().getString("checks.find { it.name == 'rule-set' }.data.lastError") != null);
        assertThat(ruleSetHealth().getString("checks.find { it.name == 'rule-set' }.data.lastError")).contains("zz-reload.yaml");
        Files.writeString(scenario, failing.replace("includes", "excludes").formatted(top));
        await("the error to clear after the scenario's fix",
                () -> ruleSetHealth().getString("checks.find { it.name == 'rule-set' }.data.lastError") == null);
        assertThat(activeVersion()).isEqualTo(edited);
    }
}
