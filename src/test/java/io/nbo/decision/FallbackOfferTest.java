package io.nbo.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.redis.KeySchema;
import io.nbo.testing.Api;
import io.nbo.testing.Drl;
import io.nbo.testing.RedisProbe;
import io.nbo.testing.RedisServerResource;
import io.nbo.testing.RuleSets;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * With Redis up, the fallback offer is what an otherwise empty answer gets, and it goes through the
 * contact policies like any offer: recorded, counted, and capped (the demo caps every offer at 3
 * impressions a week, pending ones included). The rules here make nothing eligible, but for a request
 * that asks for a rule that fails.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@TestProfile(FallbackOfferTest.NothingEligible.class)
class FallbackOfferTest {

    /** The demo catalog and policies, and one rule that never matches. */
    public static class NothingEligible implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path dir = RuleSets.copyOfRulesFolder(Files.createTempDirectory("nbo-fallback"));
                try (Stream<Path> drl = Files.list(dir)) {
                    for (Path f : drl.filter(f -> f.toString().endsWith(".drl")).toList()) {
                        Files.delete(f);
                    }
                }
                Files.writeString(dir.resolve("never.drl"), Drl.file(
                        Drl.rule("Only a request that never comes").context("never", "sent").offer("free-shipping").eligible("never"),
                        Drl.rule("Greets by a first name that may be missing").context("test", "failing rule").when("$c : Customer()")
                                .offer("free-shipping").then("$r.eligible($o, \"Hello \" + $c.text(\"firstName\").length());")));
                return Map.of("nbo.rules.dir", dir.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static JsonPath decide() {
        return Api.decide(Map.of("customerId", "t-fallback", "channel", "web"));
    }

    @Test
    void theFallbackIsServedThroughTheContactPoliciesWhileRedisAnswers() throws Exception {
        Api.store("t-fallback");
        for (int i = 0; i < 3; i++) {
            JsonPath d = decide();
            assertThat(d.getList("offers.offerId")).containsExactly("bestsellers-discovery");
            assertThat(d.getList("reasons.code")).contains("fallback_offer", "no_eligible_offer");
            assertThat(d.getBoolean("degraded")).isFalse();
            assertThat(d.getBoolean("partial")).isFalse();
        }
        try (RedisProbe probe = RedisProbe.ofApp()) {
            List<String> contacts = probe.redis().zrange(KeySchema.keys("t-fallback")[KeySchema.CONTACTS], 0, -1);
            assertThat(contacts).hasSize(3).allMatch(c -> c.startsWith("pending|bestsellers-discovery|web|"));
        }
        JsonPath capped = decide();
        assertThat(capped.getList("offers")).isEmpty();
        assertThat(capped.getString("suppressed.find { it.offerId == 'bestsellers-discovery' }.code")).isEqualTo("capped");
        assertThat(capped.getList("reasons.code")).contains("no_eligible_offer").doesNotContain("fallback_offer");
    }

    @Test
    void aRuleThatFailsIsNamedInTheAnswerNotQuotedFromJava() {
        JsonPath d = Api.decide(Map.of("channel", "web", "context", Map.of("test", "failing rule")));

        String reason = d.getString("reasons.find { it.code == 'rules_failed' }.message");
        assertThat(reason).isEqualTo("the rules failed to evaluate: rule \"Greets by a first name that may be missing\" failed on this "
                + "customer's data or this request");
        assertThat(d.prettify()).doesNotContain("Cannot invoke").doesNotContain("java.").doesNotContain("io.nbo");
        assertThat(d.getList("offers.offerId")).containsExactly("bestsellers-discovery");
    }
}
