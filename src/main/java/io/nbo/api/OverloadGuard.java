package io.nbo.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.nbo.config.NboConfig;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounded concurrency on the channels' paths. A decision (or event batch) beyond the limit in
 * flight is refused at once with a problem+json {@code 503} and {@code Retry-After}, before its body
 * is read: past capacity, answering most requests in time beats queueing every one into seconds of
 * latency and growing the heap. Health, metrics and the marketers' paths are never shed.
 */
@ApplicationScoped
public class OverloadGuard {

    /** Counter of requests refused at once because too many were in flight; tag {@code route} (decisions, events). */
    static final String REQUESTS_SHED = "nbo.requests.shed";
    /** Gauge of requests in flight on a shedding route; tag {@code route} (decisions, events). */
    static final String REQUESTS_IN_FLIGHT = "nbo.requests.in.flight";

    /** One shedding route: its limit, what is in flight, what was shed. */
    private static final class Lane {
        final int limit;
        final AtomicInteger inFlight;
        final Counter shed;
        final String problem;

        Lane(String route, int limit, MeterRegistry registry, String problem) {
            this.limit = limit;
            this.inFlight = registry.gauge(REQUESTS_IN_FLIGHT, Tags.of("route", route), new AtomicInteger());
            this.shed = Counter.builder(REQUESTS_SHED).tag("route", route).register(registry);
            this.problem = problem;
        }
    }

    private final Lane decisions;
    private final Lane events;

    public OverloadGuard(NboConfig config, MeterRegistry registry, ObjectMapper json) throws JsonProcessingException {
        int maxDecisions = config.overload().maxDecisions();
        int maxBatches = config.overload().maxEventBatches();
        this.decisions = new Lane("decisions", maxDecisions, registry, json.writeValueAsString(new Problem("about:blank", "Service Unavailable", 503,
                "more than " + maxDecisions + " decisions in flight on this replica; retry shortly", null, null)));
        this.events = new Lane("events", maxBatches, registry, json.writeValueAsString(new Problem("about:blank", "Service Unavailable", 503,
                "more than " + maxBatches + " event batches in flight on this replica; nothing of this batch was stored, retry it shortly", null, null)));
    }

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(ctx -> {
            String path = ctx.request().path();
            Lane lane = path.equals("/v1/decisions") || path.equals("/bench/floor") ? decisions : path.equals("/v1/events") ? events : null;
            if (lane == null || lane.limit == 0) {
                ctx.next();
            } else {
                admit(ctx, lane);
            }
        });
    }

    private static void admit(RoutingContext ctx, Lane lane) {
        if (lane.inFlight.incrementAndGet() > lane.limit) {
            lane.inFlight.decrementAndGet();
            lane.shed.increment();
            ctx.response().setStatusCode(503).putHeader("Content-Type", Problem.MEDIA_TYPE).putHeader("Retry-After", "1").end(lane.problem);
            return;
        }
        // Called once the response has ended or the connection closed, whichever comes first.
        ctx.addEndHandler(done -> lane.inFlight.decrementAndGet());
        ctx.next();
    }
}
