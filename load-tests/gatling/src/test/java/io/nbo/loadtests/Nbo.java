package io.nbo.loadtests;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the simulations share: the HTTP protocol, the decision request, and the open-model shape of
 * a run (a warm-up phase, then the measured phase, both at a constant arrival rate). Requests of the
 * warm-up are named {@code warmup-<name>}, so the summary leaves them out.
 */
public final class Nbo {

    /** Prefix of the warm-up requests' names. */
    public static final String WARMUP = "warmup-";

    private Nbo() {
    }

    /** JSON to 127.0.0.1 over connections shared by all virtual users (one request per user would otherwise open one each). */
    public static HttpProtocolBuilder protocol() {
        return http.baseUrl(Params.BASE_URL)
                .contentTypeHeader("application/json")
                .acceptHeader("application/json")
                .shareConnections()
                // Gatling's own warm-up request goes to an outside host; traffic here goes to 127.0.0.1 only.
                .disableWarmUp()
                .disableCaching();
    }

    /** A timed {@code POST} of a JSON body built per request (a decision, or the floor with the same body), expecting 200. */
    public static ChainBuilder post(String name, String path, Supplier<String> body) {
        return Timings.timed(name, http(name).post(path).body(StringBody(session -> body.get())).check(status().is(200)));
    }

    /** One request per arriving user, named {@code name} in the measured phase. */
    public static ScenarioBuilder oneRequest(String name, String path, Supplier<String> body) {
        return scenario(name).exec(post(name, path, body));
    }

    /** The parameters a run used, for its summary. */
    public static Map<String, Object> params() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("rate", Params.RATE);
        p.put("warmupRate", Params.WARMUP_RATE);
        p.put("warmupSeconds", Params.WARMUP);
        p.put("durationSeconds", Params.DURATION);
        p.put("customers", Params.CUSTOMERS);
        p.put("seed", Params.SEED);
        p.put("placements", Params.PLACEMENTS);
        p.put("campaigns", Params.CAMPAIGNS);
        return p;
    }

    /** The warm-up scenario at WARMUP_RATE for WARMUP seconds, then the measured one at RATE for DURATION seconds. */
    public static PopulationBuilder warmupThenMeasure(ScenarioBuilder warmup, ScenarioBuilder measured) {
        PopulationBuilder measuring = measured.injectOpen(constantUsersPerSec(Params.RATE).during(Params.DURATION));
        if (Params.WARMUP <= 0) {
            return measuring;
        }
        return warmup.injectOpen(constantUsersPerSec(Params.WARMUP_RATE).during(Params.WARMUP)).andThen(measuring);
    }

    /** The same request as both phases: {@code warmup-<name>} then {@code <name>}. */
    public static PopulationBuilder warmupThenMeasure(String name, String path, Supplier<String> body) {
        return warmupThenMeasure(oneRequest(WARMUP + name, path, body), oneRequest(name, path, body));
    }
}
