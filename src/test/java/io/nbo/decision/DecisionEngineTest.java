package io.nbo.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.decision.Decision.RankedOffer;
import io.nbo.decision.Decision.Suppression;
import io.nbo.model.Cart;
import io.nbo.model.Channel;
import io.nbo.model.Customer;
import io.nbo.model.CustomerData;
import io.nbo.model.Request;
import io.nbo.offers.OfferCatalogLoader;
import io.nbo.policy.Suppressed;
import io.nbo.rules.RuleSet;
import io.nbo.rules.RuleSetCompiler;
import io.nbo.simulation.ScenarioRunner;
import io.nbo.testing.Drl;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Arbitration and channel choice, on a small rule set written for the purpose. */
class DecisionEngineTest {

    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    static RuleSet ruleSet;
    final DecisionEngine engine = new DecisionEngine(1, 20, 1_000, java.time.Duration.ofSeconds(5)); // budgets have their own test below

    @BeforeAll
    static void compile() throws Exception {
        ruleSet = new RuleSetCompiler(OfferCatalogLoader.standalone(), Clock.systemUTC()).compile(Map.of("offers.yaml", """
                offers:
                  - {id: big, name: Big, group: a, value: 100, cost: 20, channels: {web: {headline: Big}, email: {headline: Big}}}
                  - {id: big-alt, name: Big alt, group: a, value: 90, channels: {web: {headline: Alt}}}
                  - {id: small, name: Small, group: b, value: 10, channels: {web: {headline: Small}, email: {headline: Small}}}
                  - {id: mail-only, name: Mail only, group: c, value: 50, channels: {email: {headline: Mail}}}
                  - {id: boosted-only, name: Boosted only, group: d, value: 50, channels: {web: {headline: B}}}
                  - {id: expired, name: Expired, group: e, value: 500, validUntil: 2026-01-01T00:00:00Z, channels: {web: {headline: E}}}
                """, "test.drl", Drl.file(
                Drl.rule("Everything is eligible").offerWhere("id != \"boosted-only\"").eligible("because"),
                Drl.rule("Small gets a big boost on the sale page").when("Request(page == \"sale\")").offer("small").boost(100, "on sale"),
                Drl.rule("Boosted, never eligible, then excluded").offer("boosted-only").boost(2, "boost").exclude("excluded"),
                Drl.rule("Big alt is excluded").offer("big-alt").exclude("not today"))));
    }

    static Customer customer(Map<String, Boolean> consent, Map<String, Map<String, Long>> engagement) {
        return new Customer("c", true, new CustomerData(Map.of(), consent, engagement, Cart.EMPTY, List.of()), NOW);
    }

    DecisionEngine.Outcome decide(Customer c, String page, Channel channel, int limit) {
        return engine.decide(ruleSet, c, new Request(channel.id(), null, page, null, Map.of()), channel, limit, NOW);
    }

    @Test
    void ranksByScoreWithOneOfferPerGroupAndExplainsExclusions() {
        var out = decide(customer(Map.of(), Map.of()), "home", Channel.WEB, 5);

        assertThat(out.offers()).extracting(RankedOffer::offerId).containsExactly("big", "small");
        RankedOffer big = out.offers().get(0);
        // prior propensity 1/20, net value 80, weight 1, no boost
        assertThat(big.score()).isEqualTo(0.05 * 80);
        assertThat(big.scoreParts()).isEqualTo(new Decision.ScoreParts(0.05, 80, 1, 1));
        assertThat(big.rules()).containsExactly("Everything is eligible");
        assertThat(big.why()).containsExactly("because");
        // excluded after being made eligible: listed; only boosted then excluded: not; expired: never seen
        assertThat(out.suppressed()).extracting(Suppression::offerId, Suppression::code)
                .contains(org.assertj.core.groups.Tuple.tuple("big-alt", Suppressed.EXCLUDED))
                .doesNotContain(org.assertj.core.groups.Tuple.tuple("boosted-only", Suppressed.EXCLUDED));
        assertThat(out.suppressed()).extracting(Suppression::offerId).doesNotContain("expired");
        // the web cannot deliver an email-only offer
        assertThat(out.suppressed()).contains(new Suppression("mail-only", Suppressed.NOT_DELIVERABLE, "has no creative for what web can deliver (web)", null));
    }

    @Test
    void aBoostChangesTheOrderAndIsVisibleInTheScoreParts() {
        var out = decide(customer(Map.of(), Map.of()), "sale", Channel.WEB, 1);

        assertThat(out.offers()).extracting(RankedOffer::offerId).containsExactly("small");
        assertThat(out.offers().get(0).scoreParts().contextBoost()).isEqualTo(100);
        assertThat(out.offers().get(0).rules()).containsExactly("Everything is eligible", "Small gets a big boost on the sale page");
    }

    @Test
    void theCallCenterDeliversOnTheChannelTheCustomerRespondsToMost() {
        Customer c = customer(Map.of("email", true), Map.of("email", Map.of("sent", 10L, "clicks", 5L)));

        var out = decide(c, null, Channel.CALL_CENTER, 5);

        // call_center has no creative for these offers; email is consented and responds well
        assertThat(out.offers()).extracting(RankedOffer::channel).containsOnly("email");
        assertThat(out.offers().get(0).scoreParts().propensity()).isEqualTo(6.0 / 30);
    }

    @Test
    void withoutConsentAnEmailOnlyOfferIsSuppressed() {
        var out = decide(customer(Map.of("email", false), Map.of()), null, Channel.CALL_CENTER, 5);

        assertThat(out.offers()).isEmpty();
        assertThat(out.suppressed()).contains(new Suppression("mail-only", Suppressed.NO_CONSENT, "customer has not consented to email", null));
    }

    @Test
    void thePreferredChannelIsOneWithHistoryOverThePriorAlone() {
        // 1 click in 40 emails (2/60 = 3.3%) is below the 5% prior of a channel never tried
        Customer c = customer(Map.of("email", true), Map.of("email", Map.of("sent", 40L, "clicks", 1L)));

        assertThat(decide(c, null, Channel.WEB, 1).preferredChannel()).isEqualTo(Channel.EMAIL);
    }

    @Test
    void withNoHistoryTheChannelTheCustomerIsOnIsPreferred() {
        assertThat(decide(customer(Map.of(), Map.of()), null, Channel.APP, 1).preferredChannel()).isEqualTo(Channel.APP);
        assertThat(decide(Customer.unknown("x", NOW), null, Channel.STORE, 1).preferredChannel()).isEqualTo(Channel.STORE);
    }

    static RuleSet compileUnchecked(String drl) throws Exception {
        return new RuleSetCompiler(OfferCatalogLoader.standalone(), Clock.systemUTC(), false).compile(Map.of("offers.yaml", """
                offers:
                  - {id: big, name: Big, group: a, value: 100, channels: {web: {headline: Big}}}
                """, "limits.drl", drl));
    }

    @Test
    void rulesThatLoopForeverAreStoppedByTheFiringLimitAndTheAnswerSaysSo() throws Exception {
        RuleSet looping = compileUnchecked(Drl.file(
                Drl.rule("Big is eligible").offer("big").eligible("x").then("insert(new java.util.ArrayList());"),
                Drl.rule("And again, forever").when("java.util.ArrayList()").then("insert(new java.util.ArrayList());")));

        // A generous time budget: on a crowded machine 50 ms can run out before 1,000 firings.
        var out = new DecisionEngine(1, 20, 1_000, java.time.Duration.ofSeconds(30)).decide(looping, customer(Map.of(), Map.of()),
                new Request("web", null, null, null, Map.of()), Channel.WEB, 1, NOW);

        // Drools announces the match it stops at too, so the listener may count one more than were fired
        assertThat(out.firedRules()).hasSizeBetween(1_000, 1_001);
        assertThat(out.notices()).extracting(Decision.Notice::code).contains(Reason.RULE_FIRING_LIMIT);
        assertThat(out.offers()).extracting(RankedOffer::offerId).containsExactly("big");
    }

    @Test
    void aRuleSetThatLoopsIsCaughtByItsWarmUpEvenWithoutScenarios() throws Exception {
        RuleSet looping = compileUnchecked(Drl.LOOPS_FOREVER);

        List<String> unfinished = looping.warmUp(2_000, java.time.Duration.ofSeconds(30));

        assertThat(unfinished).hasSize(Channel.values().length)
                .first().asString().startsWith("the rules do not finish for an unknown visitor on web: stopped after 2000 firings");
        assertThat(ruleSet.warmUp(2_000, java.time.Duration.ofSeconds(30))).isEmpty();
    }

    @Test
    void slowRulesAreStoppedByTheTimeBudget() throws Exception {
        List<Drl.Rule> rules = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rules.add(Drl.rule("Slow " + i).then("try { Thread.sleep(5); } catch (InterruptedException e) { }"));
        }
        RuleSet slow = compileUnchecked(Drl.file(rules));
        Request request = new Request("web", null, null, null, Map.of());
        // Once in full first: a fresh rule set's first decision also pays Drools' lazy set-up, which alone
        // passed 30 ms on a loaded machine, so no rule fired at all.
        assertThat(engine.decide(slow, customer(Map.of(), Map.of()), request, Channel.WEB, 1, NOW).firedRules()).hasSize(40);

        var out = new DecisionEngine(1, 20, 10_000, java.time.Duration.ofMillis(30)).decide(slow, customer(Map.of(), Map.of()),
                request, Channel.WEB, 1, NOW);

        // 40 rules of 5 ms would take 200 ms; the 30 ms budget lets only the first few fire
        assertThat(out.firedRules()).hasSizeBetween(1, 12);
        assertThat(out.notices()).extracting(Decision.Notice::code).contains(Reason.RULE_TIME_BUDGET);
    }

    @Test
    void aScenarioFailsWhenTheRulesCannotFinish() throws Exception {
        RuleSet looping = compileUnchecked(Drl.LOOPS_FOREVER);
        ScenarioRunner runner = new ScenarioRunner(new DecisionEngine(1, 20, 500, ScenarioRunner.SAFETY_STOP),
                io.nbo.context.CustomerDataValidator.standalone());

        ScenarioRunner.Run run = runner.run(looping, "loop.yaml", """
                name: Anything
                now: 2026-11-23T12:00:00Z
                request: {channel: web}
                expect: {}
                """);

        // on the firing limit, however busy the machine: the safety stop is 30 s away
        assertThat(run.failures()).anyMatch(f -> f.startsWith("the rules did not finish: rules stopped after 500 firings"));
    }

    @Test
    void aRuleThatChangesTheSessionMakesThePartialAnswerSaySoAndTheNextDecisionIsWhole() throws Exception {
        RuleSet hostile = compileUnchecked(Drl.file(
                Drl.rule("Big is eligible").when("Request()").offer("big").eligible("x"),
                Drl.rule("Takes the result away").context("attack", "yes").then("delete($r);")));
        Customer c = customer(Map.of(), Map.of());

        var attacked = engine.decide(hostile, c, new Request("web", null, null, null, Map.of("attack", "yes")), Channel.WEB, 1, NOW);
        var next = engine.decide(hostile, c, new Request("web", null, null, null, Map.of()), Channel.WEB, 1, NOW);

        assertThat(attacked.notices()).extracting(Decision.Notice::code).containsExactly(Reason.SESSION_DISCARDED);
        assertThat(attacked.notices()).extracting(Decision.Notice::code).anyMatch(Reason::cutsRulesShort);
        assertThat(next.notices()).isEmpty();
        assertThat(next.offers()).extracting(RankedOffer::offerId).containsExactly("big");
    }

    /** No rule is left to fire, so only a check after the conditions sees the budget overrun. */
    @Test
    void aSlowConditionCountsAgainstTheTimeBudget() throws Exception {
        RuleSet slow = compileUnchecked(Drl.file(Drl.SLOWLY,
                Drl.rule("Big, after a slow condition that does not even hold")
                        .when("Request(attr(\"mode\") == \"slow\", slowly(channel, 300))").offer("big").eligible("x")));

        var out = new DecisionEngine(1, 20, 10_000, java.time.Duration.ofMillis(50)).decide(slow, customer(Map.of(), Map.of()),
                new Request("web", null, null, null, Map.of("mode", "slow")), Channel.WEB, 1, NOW);

        assertThat(out.firedRules()).isEmpty();
        assertThat(out.offers()).isEmpty();
        assertThat(out.notices()).extracting(Decision.Notice::code).containsExactly(Reason.RULE_TIME_BUDGET);
    }
}
