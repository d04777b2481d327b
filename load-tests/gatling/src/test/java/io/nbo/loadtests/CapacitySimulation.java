package io.nbo.loadtests;

import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Capacity, side by side with the floor: how many decisions a second the service completes when it
 * is kept busy, against how many answers of {@code POST /bench/floor} (same body; one Redis read, no
 * rules) it completes the same way. After an open-model warm-up of both, ROUNDS rounds of two
 * closed-model phases, floor then decision, each DURATION / (2 * ROUNDS) seconds with CONCURRENCY
 * requests always in flight (a user sends one request; the next starts when it is answered).
 * Alternating spreads a noisy neighbour over both. Without the floor (FLOOR=false) only the decision
 * phases run.
 */
public class CapacitySimulation extends NboSimulation {

    /** Seconds of one closed-model phase; the summary divides each endpoint's answers by ROUNDS times this. */
    public static int phaseSeconds() {
        return Math.max(1, Params.DURATION / (2 * Params.ROUNDS));
    }

    @Override
    protected Map<String, Object> params() {
        Map<String, Object> p = super.params();
        p.put("concurrency", Params.CONCURRENCY);
        p.put("rounds", Params.ROUNDS);
        p.put("phaseSeconds", phaseSeconds());
        p.put("floor", Params.FLOOR);
        return p;
    }

    {
        // Scenario names must be unique in a simulation, request names need not: each phase is a scenario of its own.
        List<PopulationBuilder> phases = new ArrayList<>();
        for (int round = 1; round <= Params.ROUNDS; round++) {
            if (Params.FLOOR) {
                phases.add(closed(scenario("floor-" + round).exec(Nbo.post("floor", "/bench/floor", Traffic::pageView))));
            }
            phases.add(closed(scenario("decision-" + round).exec(Nbo.post("decision", "/v1/decisions", Traffic::pageView))));
        }
        ScenarioBuilder warmup = scenario("warmup").exec(Nbo.post(Nbo.WARMUP + "decision", "/v1/decisions", Traffic::pageView));
        if (Params.FLOOR) {
            warmup = warmup.exec(Nbo.post(Nbo.WARMUP + "floor", "/bench/floor", Traffic::pageView));
        }
        PopulationBuilder chain = phases.get(phases.size() - 1);
        for (int i = phases.size() - 2; i >= 0; i--) {
            chain = phases.get(i).andThen(chain);
        }
        setUp(warmup.injectOpen(constantUsersPerSec(Params.WARMUP_RATE).during(Math.max(1, Params.WARMUP))).andThen(chain))
                .protocols(Nbo.protocol());
    }

    private static PopulationBuilder closed(ScenarioBuilder phase) {
        return phase.injectClosed(constantConcurrentUsers(Params.CONCURRENCY).during(phaseSeconds()));
    }
}
