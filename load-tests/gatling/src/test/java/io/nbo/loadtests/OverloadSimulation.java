package io.nbo.loadtests;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.PopulationBuilder;
import java.util.Map;

/**
 * Past capacity: page views at {@code nbo.rate} (10 s, {@code before}), then at
 * {@code nbo.overloadRate} for {@code nbo.duration} seconds (answers timed as {@code decision}, shed
 * ones as {@code shed}), then at {@code nbo.rate} again (10 s, {@code after}: the recovery). A 503
 * with Retry-After is an answer here, not an error; anything else that is not 200 is.
 */
public class OverloadSimulation extends NboSimulation {

    static final int SIDE_SECONDS = 10;

    static PopulationBuilder phase(String name, String shedName, double rate, int seconds) {
        return scenario(name).exec(Timings.timedByStatus(name, shedName, http(name).post("/v1/decisions")
                        .body(StringBody(session -> Traffic.pageView())).check(status().in(200, 503).saveAs("status"))))
                .injectOpen(constantUsersPerSec(rate).during(seconds));
    }

    {
        PopulationBuilder warmup = phase(Nbo.WARMUP + "decision", Nbo.WARMUP + "shed", Params.RATE, Math.max(1, Params.WARMUP));
        setUp(warmup.andThen(phase("before", "before-shed", Params.RATE, SIDE_SECONDS))
                .andThen(phase("decision", "shed", Params.OVERLOAD_RATE, Params.DURATION))
                .andThen(phase("after", "after-shed", Params.RATE, SIDE_SECONDS)))
                .protocols(Nbo.protocol());
    }

    @Override
    protected Map<String, Object> params() {
        Map<String, Object> p = super.params();
        p.put("rate", Params.OVERLOAD_RATE);
        p.put("normalRate", Params.RATE);
        return p;
    }
}
