package io.nbo.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nbo.redis.RedisConnection;
import io.nbo.model.Customer;
import io.nbo.model.CustomerData;
import io.nbo.model.Request;
import io.nbo.offers.OfferCatalogLoader;
import io.nbo.redis.RedisConnection;
import io.nbo.testing.Drl;
import io.nbo.testing.RedisServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rules that change the facts a resident session keeps (the sandbox refuses them; these are compiled
 * without it) or that overrun the budget in their conditions lose their session: the decision says
 * so, the next decisions get a sound session, and the meter counts it.
 */
class SessionIntegrityTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private static final String CATALOG = """
            offers:
              - {id: everyone, name: For everyone, group: a, value: 10, channels: {web: {headline: E}, email: {headline: E}}}
              - {id: members, name: For members, group: b, value: 10, channels: {web: {headline: M}, email: {headline: M}}}
              - {id: on-web, name: On the web, group: c, value: 10, channels: {web: {headline: W}, email: {headline: W}}}
            """;

    private static final String RULES = Drl.file(
            Drl.rule("Everyone gets the offer for everyone").offer("everyone").eligible("for everyone"),
            Drl.rule("Members get the member offer").when("Customer(known)").offer("members").eligible("a member"),
            Drl.rule("Whoever asks on the web gets the web offer").when("Customer()", "Request(channel == \"web\")").offer("on-web")
                    .eligible("on the web"),
            Drl.rule("Attack: delete the result").context("attack", "delete-result").then("delete($r);")) + """

            rule "Attack: leave a request behind"
            when
                Request(attr("attack") == "insert-request")
            then
                insert(new Request("web", null, null, null, null));
            end

            rule "Attack: delete an offer"
            when
                Request(attr("attack") == "delete-offer")
                $o : Offer(id == "everyone")
            then
                drools.delete($o);
            end

            rule "Attack: leave anything behind"
            when
                Request(attr("attack") == "insert-other")
            then
                insert(new java.util.ArrayList());
            end
            """;

    /** On the web in slow mode, nothing but a slow condition that does not hold, so the budget has no match to refuse. */
    private static final String SLOW = Drl.file(Drl.SLOWLY,
            Drl.rule("A condition that takes longer than the budget, and does not even hold")
                    .when("Request(attr(\"mode\") == \"slow\", slowly(channel, 300))").then("$r.eligible(\"everyone\", \"slow\");"));

    private static final Map<String, String> FILES = Map.of("hostile.drl", RULES, "slow.drl", SLOW, OfferCatalogLoader.FILE_NAME, CATALOG);

    private static RuleSet compile() throws InvalidRuleSetException {
        return new RuleSetCompiler(OfferCatalogLoader.standalone(), Clock.systemUTC(), false).compile(FILES);
    }

    private static final Customer MEMBER = new Customer("m", true, new CustomerData(Map.of(), Map.of(), Map.of(), null, List.of()), NOW);
    private static final Customer GUEST = Customer.unknown("g", NOW);

    private static Request on(String channel, Map<String, Object> attributes) {
        return new Request(channel, null, null, null, attributes);
    }

    private static List<String> eligible(RuleSet.Evaluation e) {
        return e.result().verdicts().entrySet().stream().filter(v -> v.getValue().isEligible()).map(Map.Entry::getKey).sorted().toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"delete-result", "insert-request", "delete-offer", "insert-other"})
    void aRuleThatChangesTheSessionLosesItAndTheNextDecisionsAreAsBefore(String attack) throws Exception {
        RuleSet ruleSet = compile();
        RuleSet.Evaluation memberByEmail = ruleSet.evaluate(MEMBER, on("email", Map.of()), NOW, 1000);
        RuleSet.Evaluation guestOnWeb = ruleSet.evaluate(GUEST, on("web", Map.of()), NOW, 1000);
        assertThat(eligible(memberByEmail)).containsExactly("everyone", "members");
        assertThat(eligible(guestOnWeb)).containsExactly("everyone", "on-web");
        assertThat(memberByEmail.sessionChanged()).isFalse();
        assertThat(ruleSet.idleSessions()).isEqualTo(1);

        RuleSet.Evaluation hostile = ruleSet.evaluate(MEMBER, on("email", Map.of("attack", attack)), NOW, 1000);

        assertThat(hostile.sessionChanged()).isTrue();
        assertThat(ruleSet.idleSessions()).as("the changed session is not given back").isZero();
        for (int i = 0; i < 3; i++) {
            RuleSet.Evaluation member = ruleSet.evaluate(MEMBER, on("email", Map.of()), NOW, 1000);
            assertThat(eligible(member)).as("member by email, decision %d after the attack", i).containsExactly("everyone", "members");
            assertThat(member.firedRules()).isEqualTo(memberByEmail.firedRules());
            assertThat(member.sessionChanged()).isFalse();
            assertThat(eligible(ruleSet.evaluate(GUEST, on("web", Map.of()), NOW, 1000)))
                    .as("guest on the web, decision %d after the attack", i).containsExactly("everyone", "on-web");
        }
        assertThat(ruleSet.idleSessions()).isEqualTo(1);
    }

    @Test
    void aConditionThatOverrunsTheBudgetStopsTheDecisionAndLosesTheSession() throws Exception {
        RuleSet ruleSet = new RuleSetCompiler(OfferCatalogLoader.standalone(), Clock.systemUTC(), false)
                .compile(Map.of("slow.drl", SLOW, OfferCatalogLoader.FILE_NAME, CATALOG));
        ruleSet.evaluate(MEMBER, on("web", Map.of()), NOW, 1000);
        assertThat(ruleSet.idleSessions()).isEqualTo(1);

        // Nothing matches, so the budget has no match to refuse: only a check after the conditions were
        // evaluated sees that the decision overran.
        RuleSet.Evaluation slow = ruleSet.evaluate(MEMBER, on("web", Map.of("mode", "slow")), NOW, 1000, Duration.ofMillis(50));

        assertThat(slow.timeBudgetExceeded()).isTrue();
        assertThat(slow.firedRules()).isEmpty();
        assertThat(ruleSet.idleSessions()).as("the session is discarded").isZero();
        assertThat(ruleSet.evaluate(MEMBER, on("web", Map.of()), NOW, 1000, Duration.ofSeconds(5)).timeBudgetExceeded()).isFalse();
        assertThat(ruleSet.idleSessions()).isEqualTo(1);
    }

    @Test
    void theSessionsDiscardedWhileServingAreCountedByReason() throws Exception {
        MeterRegistry meters = new SimpleMeterRegistry();
        try (RedisServer server = RedisServer.start()) {
            RedisConnection redis = RedisConnection.open(server.url(), Duration.ofSeconds(1), null);
            RuleSetMeters ruleSetMeters = new RuleSetMeters(meters);
            RuleSetRollout rollout = new RuleSetRollout(new RuleSetValidator(
                    new RuleSetCompiler(OfferCatalogLoader.standalone(), Clock.systemUTC(), false), (candidate, files) -> List.of(), ruleSetMeters),
                    new RuleSetStore(redis), new ActiveRuleSet(ruleSetMeters), "replica-a", Duration.ofSeconds(5), Duration.ofSeconds(1));
            try {
                RuleSet active = rollout.publish(FILES, "test", "hostile rules").ruleSet();

                active.evaluate(MEMBER, on("web", Map.of()), NOW, 1000);
                active.evaluate(MEMBER, on("web", Map.of("attack", "delete-result")), NOW, 1000);
                active.evaluate(MEMBER, on("web", Map.of("mode", "slow")), NOW, 1000, Duration.ofMillis(50));
                active.evaluate(MEMBER, on("web", Map.of()), NOW, 1);

                assertThat(discarded(meters, "integrity")).isEqualTo(1);
                assertThat(discarded(meters, "budget")).isEqualTo(1);
                assertThat(discarded(meters, "firing_limit")).isEqualTo(1);
                assertThat(discarded(meters, "error")).isZero();
            } finally {
                rollout.onStop(null);
            }
        }
    }

    private static double discarded(MeterRegistry meters, String reason) {
        return meters.get(RuleSetMeters.RULES_SESSIONS_DISCARDED).tag("reason", reason).counter().count();
    }
}
