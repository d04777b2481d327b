package io.nbo.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.context.CustomerDataValidator;
import io.nbo.offers.OfferCatalogLoader;
import io.nbo.simulation.ScenarioRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Runs every marketer scenario in {@code rules/tests/} against the real {@code rules/} folder. */
class ScenarioTest {

    @TestFactory
    Stream<DynamicTest> everyScenarioHolds() throws Exception {
        RuleSet ruleSet = new RuleSetCompiler(OfferCatalogLoader.standalone(), Clock.systemUTC()).compile(Path.of("rules"));
        ScenarioRunner runner = ScenarioRunner.standard(CustomerDataValidator.standalone());
        List<Path> files = ScenarioRunner.files(Path.of("rules", "tests"));
        assertThat(files).as("scenario files in rules/tests").isNotEmpty();
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            ScenarioRunner.Run run = runner.run(ruleSet, file);
            assertThat(run.failures()).as(run.name()).isEmpty();
        }));
    }
}
