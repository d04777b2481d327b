package io.nbo.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nbo.testing.Drl;
import io.nbo.testing.RuleSets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {

    static final List<String> ACTIONS = List.of("bestsellers-discovery", "welcome-10", "newsletter-signup");

    @TempDir
    Path dir;

    /** The real rules plus one more. */
    Path candidate(String name, Drl.Rule rule) throws Exception {
        Path rules = RuleSets.copyOfRulesFolder(dir.resolve(name));
        Files.writeString(rules.resolve("zz-candidate.drl"), Drl.file(rule));
        return rules;
    }

    Path bestsellersFirst() throws Exception {
        return candidate("first", Drl.rule("Bestsellers first on the web").when("Request(channel == \"web\")")
                .offer("bestsellers-discovery").eligible("test").boost(1000, "test"));
    }

    Path bestsellersNever() throws Exception {
        return candidate("never", Drl.rule("No bestsellers").offer("bestsellers-discovery").exclude("test"));
    }

    /**
     * A uniformly random log of 30 web visits: each of three offers logged with probability 1/3, and only the
     * bestsellers clicked. A candidate that always shows them earns 1 a visit; one that never does, 0; the log, 1/3.
     */
    Path uniformLog(String... extraLines) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String action = ACTIONS.get(i % 3);
            lines.add("{\"time\": \"2026-11-23T12:%02d:00Z\", \"context\": {\"customer\": {\"id\": \"c-%d\", \"profile\": {\"tier\": \"silver\"}}, "
                    .formatted(i, i) + "\"request\": {\"channel\": \"web\", \"page\": \"/\"}}, \"action\": \"" + action
                    + "\", \"probability\": 0.3333333333, \"reward\": " + (i % 3 == 0 ? 1 : 0) + ", \"candidates\": [\"bestsellers-discovery\", "
                    + "\"welcome-10\", \"newsletter-signup\"]}");
        }
        lines.addAll(List.of(extraLines));
        return Cli.write(dir, "log.jsonl", lines.toArray(String[]::new));
    }

    @Test
    void aCandidateThatShowsTheClickedOfferEarnsEveryClick() throws Exception {
        Cli.Run run = Cli.run("evaluate", "--rules", bestsellersFirst().toString(), "--log", uniformLog().toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode r = new ObjectMapper().readTree(run.out());
        assertThat(r.get("eventsRead").asLong()).isEqualTo(30);
        assertThat(r.at("/estimates/logged/value").asDouble()).isCloseTo(1.0 / 3, within(1e-9));
        assertThat(r.at("/estimates/replay/events").asLong()).isEqualTo(10);
        assertThat(r.at("/estimates/replay/value").asDouble()).isEqualTo(1.0);
        assertThat(r.at("/estimates/ipw/events").asLong()).isEqualTo(30);
        assertThat(r.at("/estimates/ipw/value").asDouble()).isCloseTo(1.0, within(1e-6));
        assertThat(r.at("/estimates/ipw/low").asDouble()).isLessThan(1.0);
        assertThat(r.at("/estimates/snipw/value").asDouble()).isCloseTo(1.0, within(1e-9));
        assertThat(r.get("meanWeight").asDouble()).isCloseTo(1.0, within(1e-6));
        assertThat(r.get("effectiveSampleSize").asDouble()).isCloseTo(10, within(1e-6));
        assertThat(r.get("warnings")).anyMatch(w -> w.asText().startsWith("effective sample size 10.0 is below 100"));
    }

    @Test
    void aCandidateThatNeverShowsItEarnsNothing() throws Exception {
        Cli.Run run = Cli.run("evaluate", "--rules", bestsellersNever().toString(), "--log", uniformLog().toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("on 30 events from").containsPattern("ipw +30 +0\\.000000 ")
                .containsPattern("logged +30 +0\\.333333 ").contains("effective sample size");
    }

    @Test
    void rejectedLinesAreListedByNumberAndTheOthersEvaluated() throws Exception {
        Path log = uniformLog("{\"time\": \"2026-11-23T13:00:00Z\", \"action\": \"welcome-10\", \"probability\": 1.5, \"reward\": 0}", "not json");

        Cli.Run run = Cli.run("evaluate", "--rules", bestsellersFirst().toString(), "--log", log.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("line 31: probability: must be a number in (0, 1] (got 1.5)").contains("line 32: not valid JSON")
                .doesNotContain("Exception");
        assertThat(run.out()).contains("on 30 events from").contains("(2 lines rejected)");
    }

    @Test
    void theLogCanComeFromStandardInput() throws Exception {
        Cli.Run run = Cli.runWithStdin(Files.readString(uniformLog()), "evaluate", "--rules", bestsellersFirst().toString(), "--log", "-", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(new ObjectMapper().readTree(run.out()).at("/estimates/replay/value").asDouble()).isEqualTo(1.0);
    }

    @Test
    void usageProblemsExitWithTwoAndNoStackTrace() throws Exception {
        Cli.Run missing = Cli.run("evaluate", "--rules", "rules", "--log", dir.resolve("nope.jsonl").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot read the log").doesNotContain("Exception");

        Cli.Run neither = Cli.run("evaluate", "--rules", "rules");
        assertThat(neither.exitCode()).isEqualTo(2);

        Cli.Run unreachable = Cli.run("evaluate", "--rules", "rules", "--from-redis", "redis://127.0.0.1:1");
        assertThat(unreachable.exitCode()).isEqualTo(2);
        assertThat(unreachable.err()).contains("is not reachable").doesNotContain("Exception");
    }

    @Test
    void brokenRulesAreReportedAndNothingIsEvaluated() throws Exception {
        Path rules = bestsellersFirst();
        Files.writeString(rules.resolve("broken.drl"), "package rules;\nrule \"x\" when then oops(; end\n");

        Cli.Run run = Cli.run("evaluate", "--rules", rules.toString(), "--log", uniformLog().toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("broken.drl").contains("nothing was evaluated");
    }
}
