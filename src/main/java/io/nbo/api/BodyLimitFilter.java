package io.nbo.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a request whose declared body is over the limit with a problem+json 413 before reading
 * it (Vert.x's own refusal has no body). A body sent chunked is still cut at the same limit.
 */
@ApplicationScoped
public class BodyLimitFilter {

    private final long limit;
    private final String problem;

    public BodyLimitFilter(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize limit, ObjectMapper json)
            throws com.fasterxml.jackson.core.JsonProcessingException {
        this.limit = limit.asLongValue();
        this.problem = json.writeValueAsString(new Problem("about:blank", "Content Too Large", 413,
                "the request body is larger than " + this.limit + " bytes", null, null));
    }

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String length = ctx.request().getHeader("Content-Length");
            if (length != null && isOver(length)) {
                ctx.response().setStatusCode(413).putHeader("Content-Type", Problem.MEDIA_TYPE)
                        .putHeader("Connection", "close").end(problem);
            } else {
                ctx.next();
            }
        });
    }

    private boolean isOver(String length) {
        try {
            return Long.parseLong(length.trim()) > limit;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
