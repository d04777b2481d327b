package io.nbo.api;

import io.nbo.api.Problem.FieldError;
import io.nbo.config.NboConfig;
import io.nbo.decision.Decision;
import io.nbo.decision.DecisionService;
import io.nbo.model.Channel;
import io.nbo.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code POST /v1/decisions}: the next best offers for a customer, now, on a channel. */
@Path("/v1/decisions")
@RolesAllowed(Roles.CHANNEL)
public class DecisionResource {

    private final DecisionService decisions;
    private final int defaultLimit;

    public DecisionResource(DecisionService decisions, NboConfig config) {
        this.decisions = decisions;
        this.defaultLimit = config.decision().defaultLimit();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Decide the next best offers",
            description = "Loads the customer's context, runs the active rule set, removes what consent and channel forbid, "
                    + "and ranks by propensity × value × weight × context boost. Never fails for a channel: without the "
                    + "customer's data or the rules it still answers, with partial=true and the reasons.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = {
            @ExampleObject(name = "web page view", value = """
                    {"customerId": "demo-000042", "channel": "web", "placement": "home-hero", "page": "home", "device": "mobile", "limit": 1}"""),
            @ExampleObject(name = "call-center top 5", value = """
                    {"customerId": "demo-000042", "channel": "call_center", "placement": "agent-desktop", "limit": 5}"""),
            @ExampleObject(name = "anonymous visitor", value = """
                    {"channel": "web", "placement": "home-hero", "context": {"campaign": "bf26"}}""")}))
    @APIResponse(responseCode = "200", description = "The ranked offers")
    @APIResponse(responseCode = "400", description = "Invalid request (problem+json with a pointer to each bad field)")
    public Uni<Decision> decide(@Valid @NotNull DecisionRequest body) {
        Channel channel = channelOf(body);
        DecisionService.Ask ask = new DecisionService.Ask(body.customerId(), channel, body.placement(), body.page(),
                body.device(), body.limit() == null ? defaultLimit : body.limit(), body.context());
        return Uni.createFrom().completionStage(() -> decisions.decide(ask, CallerContext.current()));
    }

    /** The request's channel, or a 400 naming the channels there are. */
    static Channel channelOf(DecisionRequest body) {
        return Channel.fromId(body.channel()).orElseThrow(() -> new ProblemException(Problem.invalid(
                "/channel must be one of " + Channel.ids(),
                List.of(FieldError.at("/channel", "unknown channel \"" + body.channel() + "\"; one of " + Channel.ids())))));
    }
}
