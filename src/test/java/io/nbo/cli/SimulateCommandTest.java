package io.nbo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nbo.testing.Drl;
import io.nbo.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class SimulateCommandTest {

    @RegisterExtension
    static final RealRedis server = RealRedis.start();
    static Path customers;

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    @BeforeAll
    static void importDemoCustomers() {
        customers = shared.resolve("customers.jsonl");
        assertThat(Cli.run("generate", "--count", "300", "--out", customers.toString()).exitCode()).isZero();
        assertThat(Cli.run("import", "--redis", server.url(), customers.toString()).exitCode()).isZero();
    }

    /** A copy of the real rules with one more rule: bestsellers first for everyone on the web. */
    Path candidate() throws Exception {
        Path rules = Files.createDirectories(dir.resolve("candidate"));
        try (Stream<Path> files = Files.list(Path.of("rules"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, rules.resolve(f.getFileName()));
            }
        }
        Files.writeString(rules.resolve("zz-bestsellers.drl"), Drl.file(Drl.rule("Bestsellers first on the web").when("Request(channel == \"web\")")
                .offer("bestsellers-discovery").eligible("test").boost(1000, "test")));
        return rules;
    }

    @Test
    void theSameRulesChangeNothing() {
        Cli.Run run = Cli.run("simulate", "--redis", server.url(), "--sample", "200", "--against", "rules",
                "--now", "2026-11-23T12:00:00Z", "rules");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("simulated 200 customers on web (limit 1)").contains("top offer changes for 0 customers (0.0%)");
    }

    @Test
    void aCandidateThatPromotesAnOfferShowsInTheFunnelAndTheChanges() throws Exception {
        Cli.Run run = Cli.run("simulate", "--redis", server.url(), "--sample", "200", "--against", "rules",
                "--now", "2026-11-23T12:00:00Z", "--json", candidate().toString());

        assertThat(run.exitCode()).isZero();
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertThat(report.get("customers").asLong()).isEqualTo(200);
        JsonNode bestsellers = report.at("/candidate/funnel/bestsellers-discovery");
        assertThat(bestsellers.get("chosen").asLong()).isEqualTo(bestsellers.get("afterPolicies").asLong()).isPositive();
        assertThat(bestsellers.get("eligible").asLong()).isGreaterThanOrEqualTo(bestsellers.get("afterPolicies").asLong());
        assertThat(report.get("topOfferChanged").asLong()).isPositive();
        assertThat(report.at("/chosenDelta/bestsellers-discovery").asLong()).isEqualTo(report.get("topOfferChanged").asLong());
        assertThat(report.at("/candidate/topChannels/web").asLong()).isEqualTo(200 - report.at("/candidate/noOffer").asLong());
    }

    @Test
    void aFileOfCustomersCanBeSimulatedWithoutRedis() throws Exception {
        Cli.Run run = Cli.run("simulate", "--customers", customers.toString(), "--channel", "call_center", "--limit", "3",
                "--now", "2026-11-23T12:00:00Z", "--redis", "redis://127.0.0.1:1", candidate().toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("simulated 300 customers on call_center (limit 3)");
        // the promoted rule is for the web only, so the call center does not see it
        assertThat(run.out()).doesNotContain("bestsellers-discovery");
    }

    @Test
    void brokenCandidateRulesAreReportedAndNothingIsSimulated() throws Exception {
        Path rules = candidate();
        Files.writeString(rules.resolve("broken.drl"), "package rules;\nrule \"x\" when then oops(; end\n");

        Cli.Run run = Cli.run("simulate", "--customers", customers.toString(), rules.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("broken.drl:").contains("nothing was simulated");
    }
}
