package io.nbo.loadtests;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import java.util.Map;

/**
 * Events mixed with decisions: each arriving user is a page view (a web decision) followed by a batch
 * on {@code POST /v1/events}: the impression of the offer it was shown (a click one time in ten), a few
 * page views and cart adds of the same customer. So events arrive at the decision rate, and offer
 * events are attributed to the decisions just made.
 */
public class EventsMixedSimulation extends NboSimulation {

    static ScenarioBuilder journey(String prefix) {
        return scenario(prefix + "journey")
                .exec(session -> session.set("customer", Traffic.customer()))
                .exec(Timings.timed(prefix + "decision", http(prefix + "decision").post("/v1/decisions")
                        .body(StringBody(session -> Traffic.decision(session.getString("customer"), "web", Traffic.placement(),
                                Traffic.PAGES[Traffic.random().nextInt(Traffic.PAGES.length)], "mobile", 1)))
                        .check(status().is(200),
                                jsonPath("$.decisionId").optional().saveAs("decisionId"),
                                jsonPath("$.offers[0].offerId").optional().saveAs("offerId"))))
                .exec(Timings.timed(prefix + "events", http(prefix + "events").post("/v1/events")
                        .body(StringBody(session -> Traffic.events(session.getString("customer"), session.getString("decisionId"),
                                session.getString("offerId"), Params.EVENTS_PER_BATCH)))
                        .check(status().is(200))));
    }

    @Override
    protected Map<String, Object> params() {
        Map<String, Object> p = super.params();
        p.put("eventsPerBatch", Params.EVENTS_PER_BATCH);
        return p;
    }

    {
        setUp(Nbo.warmupThenMeasure(journey(Nbo.WARMUP), journey(""))).protocols(Nbo.protocol());
    }
}
