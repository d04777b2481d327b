package io.nbo.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.context.CustomerDataValidator;
import io.nbo.decision.DecisionEngine;
import io.nbo.model.Channel;
import io.nbo.offers.OfferCatalogLoader;
import io.nbo.simulation.ScenarioRunner;
import io.nbo.testing.Drl;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * Whether a rule set finishes is judged on its firings, not on how long a busy machine took: the
 * warm-up and the scenarios pass a run that was slow but finished, still refuse rules that loop, and
 * stop one that never ends after a generous wall time, saying the machine may be the cause.
 */
class BusyMachineTest {

    private static final String CATALOG = """
            offers:
              - {id: everyone, name: For everyone, group: a, value: 10, channels: {web: {headline: E}, email: {headline: E}}}
              - {id: guests, name: For guests, group: b, value: 10, channels: {web: {headline: G}, email: {headline: G}}}
              - {id: on-web, name: On the web, group: c, value: 10, channels: {web: {headline: W}}}
            """;

    private static final String RULES = Drl.file(
            Drl.rule("Everyone gets the offer for everyone").offer("everyone").eligible("for everyone"),
            Drl.rule("Guests get the guest offer").when("not Customer(known)").offer("guests").eligible("a guest"),
            Drl.rule("Requests on the web get the web offer").when("Request(channel == \"web\")").offer("on-web").eligible("on the web"));


    private static final String SCENARIO = """
            name: A guest on the web
            now: 2026-11-23T12:00:00Z
            request: {channel: web, limit: 3}
            expect: {includes: [everyone, guests, on-web]}
            """;

    private static RuleSet compile(String drl) throws InvalidRuleSetException {
        return new RuleSetCompiler(OfferCatalogLoader.standalone(), Clock.systemUTC(), false)
                .compile(Map.of("rules.drl", drl, OfferCatalogLoader.FILE_NAME, CATALOG));
    }

    /** A clock on which each reading is {@code step} after the one before: a machine so busy that every step of the rules takes that long. */
    private static LongSupplier busyMachine(Duration step) {
        AtomicLong now = new AtomicLong();
        return () -> now.addAndGet(step.toNanos());
    }

    @Test
    void aWarmUpThatRanSlowlyButFinishedPasses() throws Exception {
        RuleSet ruleSet = compile(RULES);
        ruleSet.measureTimeWith(busyMachine(Duration.ofSeconds(2)));

        // Up to three firings per channel: some 10 s by this clock.
        assertThat(ruleSet.warmUp(RuleSetValidator.WARM_UP_FIRINGS, Duration.ofSeconds(5)))
                .as("what the 5 s budget it had before made of it").isNotEmpty();
        assertThat(ruleSet.warmUp(RuleSetValidator.WARM_UP_FIRINGS, RuleSetValidator.WARM_UP_SAFETY_STOP)).isEmpty();
    }

    @Test
    void aScenarioThatRanSlowlyButFinishedPasses() throws Exception {
        RuleSet ruleSet = compile(RULES);
        ruleSet.measureTimeWith(busyMachine(Duration.ofSeconds(2)));

        ScenarioRunner.Run before = new ScenarioRunner(new DecisionEngine(1, 20, 10_000, Duration.ofSeconds(1)), CustomerDataValidator.standalone())
                .run(ruleSet, "guest.yaml", SCENARIO);
        ScenarioRunner.Run now = ScenarioRunner.standard(CustomerDataValidator.standalone()).run(ruleSet, "guest.yaml", SCENARIO);

        assertThat(before.failures()).as("what the 1 s budget it had before made of it")
                .contains("the machine is slow or the rules do not finish: stopped after 1 s, 0 firings");
        assertThat(now.failures()).isEmpty();
    }

    @Test
    void rulesThatLoopAreStillRefusedOnTheirFiringsOnASlowMachine() throws Exception {
        RuleSet looping = compile(Drl.LOOPS_FOREVER);
        // 10,000 firings at 1 ms each take 10 s by this clock: more than the budgets of before, less than the safety stop.
        looping.measureTimeWith(busyMachine(Duration.ofMillis(1)));

        List<String> warmUp = looping.warmUp(RuleSetValidator.WARM_UP_FIRINGS, RuleSetValidator.WARM_UP_SAFETY_STOP);
        ScenarioRunner.Run scenario = ScenarioRunner.standard(CustomerDataValidator.standalone()).run(looping, "guest.yaml", SCENARIO);

        assertThat(warmUp).hasSize(Channel.values().length)
                .first().isEqualTo("the rules do not finish for an unknown visitor on web: stopped after 10000 firings (a rule that triggers itself?)");
        assertThat(scenario.failures()).anyMatch(f -> f.startsWith("the rules did not finish: rules stopped after 10000 firings"));
    }

    @Test
    void aRunThatNeverEndsIsStoppedByTheSafetyStopAndSaysTheMachineMayBeTheCause() throws Exception {
        RuleSet looping = compile(Drl.LOOPS_FOREVER);
        looping.measureTimeWith(busyMachine(Duration.ofSeconds(2)));

        List<String> warmUp = looping.warmUp(RuleSetValidator.WARM_UP_FIRINGS, RuleSetValidator.WARM_UP_SAFETY_STOP);
        ScenarioRunner.Run scenario = ScenarioRunner.standard(CustomerDataValidator.standalone()).run(looping, "guest.yaml", SCENARIO);

        // Readings 2 s apart: one before the inserts, one after, one per match; the 30 s stop lets 13 fire.
        assertThat(warmUp).first()
                .isEqualTo("the machine is slow or the rules do not finish for an unknown visitor on web: stopped after 30 s, 13 firings");
        assertThat(scenario.failures()).contains("the machine is slow or the rules do not finish: stopped after 30 s, 13 firings");
    }
}
