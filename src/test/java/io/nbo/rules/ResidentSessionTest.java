package io.nbo.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.nbo.model.Customer;
import io.nbo.model.CustomerData;
import io.nbo.model.Request;
import io.nbo.model.SourceError;
import io.nbo.offers.OfferCatalogLoader;
import io.nbo.testing.Drl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Sessions stay up between decisions: each decision still sees only its own customer and request,
 * rules on the offers alone fire every time, and offers come and go with their validity windows.
 */
class ResidentSessionTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private static final String CATALOG = """
            offers:
              - id: everyone
                name: For everyone
                group: a
                value: 10
                channels:
                  web: {headline: "For everyone"}
              - id: members
                name: For members
                group: b
                value: 10
                channels:
                  web: {headline: "For members"}
              - id: guests
                name: For guests
                group: c
                value: 10
                channels:
                  web: {headline: "For guests"}
              - id: weekend
                name: Weekend only
                group: d
                value: 10
                validFrom: 2026-11-28T00:00:00Z
                validUntil: 2026-11-30T00:00:00Z
                channels:
                  web: {headline: "This weekend"}
            """;

    private static final String RULES = Drl.file(
            Drl.rule("Everyone gets the offer for everyone").offer("everyone").eligible("for everyone"),
            Drl.rule("Members get the member offer").when("Customer(known)").offer("members").eligible("a member"),
            Drl.rule("Anyone not known gets the guest offer").when("not Customer(known)").offer("guests").eligible("a guest"),
            Drl.rule("The weekend offer, while it runs").offer("weekend").eligible("this weekend"),
            Drl.rule("Email visitors prefer email").context("utm_medium", "email").preferChannel("email", 2.0, "came by email"));

    private final RuleSetCompiler compiler = new RuleSetCompiler(OfferCatalogLoader.standalone(), Clock.systemUTC());

    private RuleSet compile(String drl) throws InvalidRuleSetException {
        return compiler.compile(Map.of("test.drl", drl, OfferCatalogLoader.FILE_NAME, CATALOG));
    }

    private static Customer member(String id) {
        return new Customer(id, true, new CustomerData(Map.of("tier", "gold"), Map.of(), Map.of(), null, List.of()), NOW);
    }

    private static Request web(Map<String, Object> attributes) {
        return new Request("web", "home-hero", "home", "desktop", attributes);
    }

    private static List<String> eligible(RuleSet.Evaluation e) {
        return e.result().verdicts().entrySet().stream().filter(v -> v.getValue().isEligible()).map(Map.Entry::getKey).sorted().toList();
    }

    @Test
    void aRuleOnTheOffersAloneFiresInEveryDecisionNotOnlyTheFirst() throws Exception {
        RuleSet ruleSet = compile(RULES);

        for (int i = 0; i < 3; i++) {
            RuleSet.Evaluation e = ruleSet.evaluate(member("m" + i), web(Map.of()), NOW, 1000);
            assertThat(eligible(e)).as("decision %d", i).contains("everyone");
            assertThat(e.firedRules()).as("decision %d", i).contains("Everyone gets the offer for everyone");
        }
    }

    @Test
    void eachDecisionSeesOnlyItsOwnCustomerAndRequest() throws Exception {
        RuleSet ruleSet = compile(RULES);

        RuleSet.Evaluation first = ruleSet.evaluate(member("m1"), web(Map.of("utm_medium", "email")), NOW, 1000);
        RuleSet.Evaluation second = ruleSet.evaluate(Customer.unknown("v1", NOW), web(Map.of()), NOW, 1000);
        RuleSet.Evaluation third = ruleSet.evaluate(member("m2"), web(Map.of()), NOW, 1000);

        assertThat(eligible(first)).containsExactly("everyone", "members");
        assertThat(first.result().channelPreference(io.nbo.model.Channel.EMAIL)).isEqualTo(2.0);
        // The rule with only a "not" on the customer fires for the guest, and only for the guest.
        assertThat(eligible(second)).containsExactly("everyone", "guests");
        assertThat(second.result().channelPreference(io.nbo.model.Channel.EMAIL)).isEqualTo(1.0);
        assertThat(eligible(third)).containsExactly("everyone", "members");
        assertThat(third.firedRules()).doesNotContain("Email visitors prefer email", "Anyone not known gets the guest offer");
        // What a decision's rules decided stays with it after later decisions ran.
        assertThat(eligible(first)).containsExactly("everyone", "members");
    }

    @Test
    void ruleAttributesActPerDecisionAsInAFreshSession() throws Exception {
        RuleSet ruleSet = compile(Drl.file(
                Drl.rule("Locked while active, still once per decision").attribute("lock-on-active true")
                        .when("Customer(known)").offer("members").eligible("locked"),
                Drl.rule("First of a group").attribute("activation-group \"one of two\"").attribute("salience 10")
                        .offer("everyone").eligible("first"),
                Drl.rule("Second of a group").attribute("activation-group \"one of two\"").offer("guests").eligible("second")));

        for (int i = 0; i < 3; i++) {
            RuleSet.Evaluation e = ruleSet.evaluate(member("m" + i), web(Map.of()), NOW, 1000);
            assertThat(e.firedRules()).as("decision %d", i).containsExactly("First of a group", "Locked while active, still once per decision");
        }
    }

    @Test
    void offersComeAndGoWithTheirValidityWindow() throws Exception {
        RuleSet ruleSet = compile(RULES);
        Instant saturday = Instant.parse("2026-11-28T10:00:00Z");
        Instant monday = Instant.parse("2026-11-30T00:00:00Z");

        assertThat(eligible(ruleSet.evaluate(member("m"), web(Map.of()), NOW, 1000))).doesNotContain("weekend");
        assertThat(eligible(ruleSet.evaluate(member("m"), web(Map.of()), saturday, 1000))).contains("weekend");
        assertThat(eligible(ruleSet.evaluate(member("m"), web(Map.of()), monday, 1000))).doesNotContain("weekend");
        // And back: a scenario dated in the window after a decision outside it.
        assertThat(eligible(ruleSet.evaluate(member("m"), web(Map.of()), saturday, 1000))).contains("weekend");
    }

    @Test
    void concurrentDecisionsGetTheSameAnswersAsOneAtATime() throws Exception {
        RuleSet ruleSet = compile(RULES);
        List<Customer> customers = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            customers.add(i % 3 == 0 ? Customer.unknown("v" + i, NOW) : member("m" + i));
        }
        List<List<String>> expected = customers.stream().map(c -> eligible(ruleSet.evaluate(c, web(Map.of()), NOW, 1000))).toList();

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<String>>> answers = new ArrayList<>();
            for (Customer c : customers) {
                answers.add(pool.submit(() -> eligible(ruleSet.evaluate(c, web(Map.of()), NOW, 1000))));
            }
            for (int i = 0; i < customers.size(); i++) {
                assertThat(answers.get(i).get()).as("customer %d", i).isEqualTo(expected.get(i));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRuleThatThrowsLeavesTheNextDecisionUntouched() throws Exception {
        RuleSet ruleSet = compile(RULES + Drl.rules(Drl.rule("Members with a broken boost")
                .when("Customer(known, text(\"tier\") == \"broken\")").offer("members").eligible("half done").boost(-1, "not a factor")));
        Customer broken = new Customer("b", true, new CustomerData(Map.of("tier", "broken"), Map.of(), Map.of(), null, List.of()), NOW);

        Throwable thrown = catchThrowableOfType(RuntimeException.class, () -> ruleSet.evaluate(broken, web(Map.of()), NOW, 1000));
        RuleSet.Evaluation next = ruleSet.evaluate(Customer.unknown("v", NOW), web(Map.of()), NOW, 1000);

        assertThat(thrown).hasMessageContaining("boost factor");
        assertThat(eligible(next)).containsExactly("everyone", "guests");
        assertThat(next.firedRules()).doesNotContain("Members with a broken boost", "Members get the member offer");
    }

    @Test
    void aDecisionCutShortByTheFiringLimitDoesNotLeakIntoTheNext() throws Exception {
        RuleSet ruleSet = compile(RULES);

        RuleSet.Evaluation cut = ruleSet.evaluate(member("m1"), web(Map.of()), NOW, 1, Duration.ofSeconds(5));
        RuleSet.Evaluation whole = ruleSet.evaluate(member("m2"), web(Map.of()), NOW, 1000);

        assertThat(cut.firingLimitReached()).isTrue();
        assertThat(cut.firedRules()).hasSize(1);
        assertThat(eligible(whole)).containsExactly("everyone", "members");
    }

    @Test
    void theWarmUpLeavesASessionReadyForEveryEventLoopAndTheIdleOnesAreBounded() throws Exception {
        RuleSet ruleSet = compile(RULES);
        int cores = Runtime.getRuntime().availableProcessors();

        assertThat(ruleSet.warmUp(1000, Duration.ofSeconds(5))).isEmpty();
        assertThat(ruleSet.idleSessions()).isEqualTo(2 * cores);

        ExecutorService pool = Executors.newFixedThreadPool(4 * cores);
        try {
            List<Future<RuleSet.Evaluation>> answers = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                answers.add(pool.submit(() -> ruleSet.evaluate(member("m"), web(Map.of()), NOW, 1000)));
            }
            for (Future<RuleSet.Evaluation> answer : answers) {
                assertThat(eligible(answer.get())).containsExactly("everyone", "members");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(ruleSet.idleSessions()).isBetween(1, 2 * cores + 2);
    }

    @Test
    void aRuleWithoutConditionsIsRefusedWithItsLine() {
        String drl = RULES + """

                rule "No conditions at all"
                then
                end
                """;
        InvalidRuleSetException e = catchThrowableOfType(InvalidRuleSetException.class, () -> compile(drl));

        int line = Drl.lineOf(drl, "rule \"No conditions at all\"");
        assertThat(e.errors()).extracting(SourceError::line, SourceError::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(line, "rule \"No conditions at all\" has no conditions (no when): "
                        + "write \"when Request()\" to apply it to every request"));
    }

    @Test
    void anErrorOnAnAnchoredRuleKeepsTheColumnTheMarketerWrote() {
        InvalidRuleSetException e = catchThrowableOfType(InvalidRuleSetException.class, () -> compile("""
                package rules;
                import io.nbo.model.*;
                rule "Offers alone, with a typo"
                when
                    $r : Result()
                    $o : Offer(idd == "everyone")
                then
                    $r.eligible($o, "typo");
                end
                """));

        assertThat(e.errors()).hasSize(1);
        assertThat(e.errors().get(0).line()).isEqualTo(6);
        assertThat(e.errors().get(0).column()).isEqualTo(16);
    }
}
