package io.nbo.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nbo.config.NboConfig;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a request whose declared body is over the limit with a problem+json 413 before reading
 * it (Vert.x's own refusal has no body). Rule-set uploads ({@code /v1/rulesets}) may be as large as
 * {@code quarkus.http.limits.max-body-size}, event batches ({@code /v1/events}) as {@code nbo.events.max-body-size};
 * every other request is held to {@code nbo.api.max-body-size}.
 */
@ApplicationScoped
public class BodyLimitFilter {

    private final long limit;
    private final long ruleSetLimit;
    private final String problem;
    private final String ruleSetProblem;
    private final long eventsLimit;
    private final String eventsProblem;

    public BodyLimitFilter(NboConfig config, @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize ruleSetLimit,
                           ObjectMapper json) throws com.fasterxml.jackson.core.JsonProcessingException {
        this.limit = config.api().maxBodySize().asLongValue();
        this.ruleSetLimit = ruleSetLimit.asLongValue();
        this.problem = json.writeValueAsString(new Problem("about:blank", "Content Too Large", 413,
                "the request body is larger than " + this.limit + " bytes", null, null));
        this.ruleSetProblem = json.writeValueAsString(new Problem("about:blank", "Content Too Large", 413,
                "the rule set is larger than " + this.ruleSetLimit + " bytes", null, null));
        this.eventsLimit = config.events().maxBodySize().asLongValue();
        this.eventsProblem = json.writeValueAsString(new Problem("about:blank", "Content Too Large", 413,
                "the events are larger than " + this.eventsLimit + " bytes; send smaller batches", null, null));
    }

    void register(@Observes Router router) {
        // A body sent without a length (chunked) is read here, up to the path's limit, before any endpoint sees it.
        BodyHandler chunked = BodyHandler.create(false).setBodyLimit(limit);
        BodyHandler chunkedRuleSet = BodyHandler.create(false).setBodyLimit(ruleSetLimit);
        BodyHandler chunkedEvents = BodyHandler.create(false).setBodyLimit(eventsLimit);
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String length = ctx.request().getHeader("Content-Length");
            String path = ctx.request().path();
            boolean ruleSet = path.startsWith("/v1/rulesets");
            boolean events = path.equals("/v1/events");
            if (length != null && isOver(length, ruleSet ? ruleSetLimit : events ? eventsLimit : limit)) {
                ctx.response().setStatusCode(413).putHeader("Content-Type", Problem.MEDIA_TYPE)
                        .putHeader("Connection", "close").end(ruleSet ? ruleSetProblem : events ? eventsProblem : problem);
            } else if (length == null && ctx.request().headers().contains("Transfer-Encoding", "chunked", true)) {
                (ruleSet ? chunkedRuleSet : events ? chunkedEvents : chunked).handle(ctx);
            } else {
                ctx.next();
            }
        }).failureHandler(ctx -> {
            if (ctx.statusCode() == 413 && !ctx.response().ended()) {
                String p = ctx.request().path();
                ctx.response().setStatusCode(413).putHeader("Content-Type", Problem.MEDIA_TYPE).putHeader("Connection", "close")
                        .end(p.startsWith("/v1/rulesets") ? ruleSetProblem : p.equals("/v1/events") ? eventsProblem : problem);
            } else {
                ctx.next();
            }
        });
    }

    private static boolean isOver(String length, long limit) {
        try {
            return Long.parseLong(length.trim()) > limit;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
