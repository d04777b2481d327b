package io.nbo.api;

import io.nbo.config.NboConfig;
import io.nbo.context.CustomerContextRepository;
import io.nbo.context.StoredCustomer;
import io.nbo.model.Channel;
import io.nbo.rules.ActiveRuleSet;
import io.nbo.rules.RuleSet;
import io.nbo.security.Roles;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * {@code POST /bench/floor}, benchmark-only and not part of the public API: a decision's request and
 * Redis read with no rules, policies or commit, so load tests can state decisions/s as a fraction of
 * what this stack can do at all. Answers only when {@code nbo.benchmark.floor-enabled} is true.
 */
@Path(BenchmarkResource.FLOOR)
public class BenchmarkResource {

    static final String FLOOR = "/bench/floor";

    /** What the floor answers: whether the customer's context was read, and whether Redis could be asked. */
    public record FloorAnswer(String customerId, boolean found, String channel, boolean degraded) {
    }

    private final CustomerContextRepository customers;
    private final ActiveRuleSet rules;
    private final boolean enabled;

    public BenchmarkResource(CustomerContextRepository customers, ActiveRuleSet rules, NboConfig config) {
        this.customers = customers;
        this.rules = rules;
        this.enabled = config.benchmark().floorEnabled();
    }

    // Before matching, so a disabled floor is refused before its body is read or validated, as an unknown path is.
    @ServerRequestFilter(preMatching = true)
    public void hideWhenDisabled(HttpServerRequest request) {
        if (!enabled && request.path().startsWith(FLOOR)) {
            throw new NotFoundException();
        }
    }

    // On the method, not the class: a class-level role would also guard the filter above, which runs for every request.
    @POST
    @RolesAllowed(Roles.CHANNEL)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public Uni<FloorAnswer> floor(@Valid @NotNull DecisionRequest body) {
        Channel channel = DecisionResource.channelOf(body);
        String id = body.customerId();
        if (id == null) {
            return Uni.createFrom().item(new FloorAnswer(null, false, channel.id(), false));
        }
        // The same read as a decision's, contact history since the active policies' lookback included.
        RuleSet active = rules.current();
        Instant now = Instant.now();
        Instant since = active == null ? now : now.minus(active.policies().lookback());
        CompletionStage<StoredCustomer> read;
        try {
            read = customers.loadForDecision(id, since, CallerContext.current());
        } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
        }
        return Uni.createFrom().completionStage(read.handle((stored, error) -> error != null
                ? new FloorAnswer(id, false, channel.id(), true)
                : new FloorAnswer(id, stored.hasProfile(), channel.id(), false)));
    }
}
