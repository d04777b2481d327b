package io.nbo.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.model.Cart;
import io.nbo.model.Customer;
import io.nbo.model.CustomerData;
import io.nbo.model.Request;
import io.nbo.offers.OfferCatalogLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A missing value (NaN) fails every comparison, as rules/README.md promises, on the first decision and the
 * hundredth. The executable model compares numbers with Double.compare, where NaN is above every number;
 * the MVEL build before it did so too once a constraint had run about 20 times (its JIT), so win-back
 * exclusions ("daysSince(...) < 60") began to hit customers who had never bought.
 */
class MissingValuesTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private static final String RULES = """
            package rules;
            import io.nbo.model.*;

            rule "less than"
            when
                $r : Result()
                Customer(daysSince("lastPurchaseAt") < 60)
            then
                $r.preferChannel("web", 1.1, "lt");
            end

            rule "at most"
            when
                $r : Result()
                Customer(number("points") <= 100)
            then
                $r.preferChannel("app", 1.1, "le");
            end

            rule "more than"
            when
                $r : Result()
                Customer(number("points") > 100)
            then
                $r.preferChannel("email", 1.1, "gt");
            end

            rule "at least"
            when
                $r : Result()
                Customer(cartIdleHours() >= 1)
            then
                $r.preferChannel("sms", 1.1, "ge");
            end
            """;

    private static RuleSet compile() throws InvalidRuleSetException {
        Map<String, String> files = new TreeMap<>(Map.of("numbers.drl", RULES));
        files.put("offers.yaml", RuleSetCompiler.readFolder(Path.of("rules")).get("offers.yaml"));
        return new RuleSetCompiler(OfferCatalogLoader.standalone(), Clock.systemUTC()).compile(files);
    }

    private static Customer customer(Map<String, Object> profile) {
        return new Customer("c", true, new CustomerData(profile, Map.of(), Map.of(), Cart.EMPTY, List.of()), NOW);
    }

    @Test
    void aMissingValueFailsEveryComparisonEveryTime() throws Exception {
        RuleSet ruleSet = compile();
        Customer neverBought = customer(Map.of());

        for (int i = 0; i < 100; i++) {
            assertThat(ruleSet.evaluate(neverBought, new Request("web", null, null, null, Map.of()), NOW, 100).firedRules())
                    .as("decision %d", i).isEmpty();
        }
    }

    @Test
    void presentValuesStillCompare() throws Exception {
        RuleSet ruleSet = compile();
        Customer recent = customer(Map.of("lastPurchaseAt", Instant.parse("2026-11-13T12:00:00Z"), "points", 500));

        for (int i = 0; i < 30; i++) {
            assertThat(ruleSet.evaluate(recent, new Request("web", null, null, null, Map.of()), NOW, 100).firedRules())
                    .as("decision %d", i).containsExactlyInAnyOrder("less than", "more than");
        }
    }
}
