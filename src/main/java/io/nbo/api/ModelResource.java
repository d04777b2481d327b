package io.nbo.api;

import io.nbo.audit.AuditLog;
import io.nbo.config.StoreUnavailableException;
import io.nbo.events.EventReader;
import io.nbo.learning.LearningService;
import io.nbo.learning.ModelHealth;
import io.nbo.learning.Models;
import io.nbo.security.Roles;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code /v1/models}: the health of the learned models (evidence, success rate, cold start, last update, and per
 * offer each predictor's bins), and resetting one offer's models or rebuilding all of them from the event streams.
 * What it shows is this replica's copy in memory, as its decisions read it.
 */
@Path("/v1/models")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class ModelResource {

    /** What a reset answers. */
    public record Reset(@Schema(required = true, example = "free-shipping") String offerId,
                        @Schema(required = true, description = "Always true: the offer's models were forgotten") boolean reset) {
    }

    /** What a rebuild answers. */
    public record Rebuild(@Schema(required = true, description = "Always true: every model was forgotten, and the learner reads the "
            + "streams again from their start") boolean rebuild) {
    }

    private final LearningService learning;
    private final Audited audited;

    public ModelResource(LearningService learning, Audited audited) {
        this.learning = learning;
        this.audited = audited;
    }

    @GET
    @RolesAllowed({Roles.MARKETER, Roles.ADMIN})
    @Operation(summary = "Model health: every offer × channel model", description = "Impressions, positives, success rate, the AUC of "
            + "its contextual model on recent responses, whether it is still in its cold start, and when it last learned; this replica's copy, at most about two poll intervals behind.")
    @APIResponse(responseCode = "200", description = "The models, by offer then channel",
            content = @Content(schema = @Schema(implementation = ModelHealth.class), examples = @ExampleObject(name = "models", value = """
                    {"learning": true, "replicaLearns": true, "lagSeconds": 0.12, "models": [
                      {"offerId": "free-shipping", "channel": "web", "impressions": 1520, "positives": 91, "successRate": 0.059868,
                       "auc": 0.71, "coldStart": false, "lastUpdate": "2026-12-07T22:41:03.120Z"}]}""")))
    public ModelHealth all() {
        return health(learning.current(), false);
    }

    @GET
    @Path("/{offerId}")
    @RolesAllowed({Roles.MARKETER, Roles.ADMIN})
    @Operation(summary = "One offer's models, with each declared predictor's bins", description = "An offer that learned nothing yet has an "
            + "empty list of models (it is in its cold start on every channel).")
    @APIResponse(responseCode = "200", description = "The offer's models, one per channel that learned anything",
            content = @Content(schema = @Schema(implementation = ModelHealth.class)))
    @APIResponse(responseCode = "400", description = "The offer id is not one a catalog can hold")
    public ModelHealth offer(@Parameter(description = "The offer", example = "free-shipping",
            schema = @Schema(type = SchemaType.STRING, pattern = EventReader.OFFER_ID_REGEX)) @PathParam("offerId") String offerId) {
        check(offerId);
        Models.Model[] perChannel = learning.current().byOffer().get(offerId);
        return health(new Models(perChannel == null ? Map.of() : Map.of(offerId, perChannel)), true);
    }

    @POST
    @Path("/{offerId}/reset")
    @RolesAllowed({Roles.MARKETER, Roles.ADMIN})
    @Operation(summary = "Forget what one offer's models learned", description = "On every channel; every replica follows within about two "
            + "poll intervals, and the offer starts again from the engagement formula. Events already in the streams and not yet learned "
            + "still count. Audited (model.reset).")
    @APIResponse(responseCode = "200", description = "Reset", content = @Content(schema = @Schema(implementation = Reset.class),
            examples = @ExampleObject(name = "reset", value = "{\"offerId\": \"free-shipping\", \"reset\": true}")))
    @APIResponse(responseCode = "400", description = "The offer id is not one a catalog can hold")
    @APIResponse(responseCode = "503", description = "Redis could not be reached: nothing was reset; retry after Retry-After")
    public Reset reset(@Parameter(description = "The offer", example = "free-shipping",
            schema = @Schema(type = SchemaType.STRING, pattern = EventReader.OFFER_ID_REGEX)) @PathParam("offerId") String offerId) {
        check(offerId);
        run(AuditLog.MODEL_RESET, "offer " + offerId, () -> learning.reset(offerId));
        return new Reset(offerId, true);
    }

    @POST
    @Path("/rebuild")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Rebuild every model from the event streams", description = "Forgets every model; the learning replica reads the "
            + "partitions' streams again from their start (events within nbo.events.retention) and every replica follows. Decisions use "
            + "the formula for what is not learned again yet. Audited (model.rebuild).")
    @APIResponse(responseCode = "200", description = "Rebuild started", content = @Content(schema = @Schema(implementation = Rebuild.class),
            examples = @ExampleObject(name = "rebuild", value = "{\"rebuild\": true}")))
    @APIResponse(responseCode = "503", description = "Redis could not be reached: nothing was changed; retry after Retry-After")
    public Rebuild rebuild() {
        run(AuditLog.MODEL_REBUILD, "models", learning::rebuild);
        return new Rebuild(true);
    }

    private ModelHealth health(Models models, boolean detailed) {
        return ModelHealth.of(learning.enabled(), learning.isLeader(), learning.store().lagMillis(), models, learning.config().coldStart(),
                detailed);
    }

    private void run(String action, String target, Runnable change) {
        try {
            change.run();
        } catch (StoreUnavailableException e) {
            audited.action(action, target, Audited.outcome(503));
            throw e;
        } catch (RuntimeException e) {
            audited.action(action, target, Audited.outcome(500));
            throw new StoreUnavailableException("the models could not be changed: " + e.getMessage());
        }
        audited.action(action, target, Audited.outcome(200));
    }

    private static void check(String offerId) {
        if (!EventReader.OFFER_ID.matcher(offerId).matches()) {
            throw new ProblemException(Problem.invalid("not an offer id", List.of(Problem.FieldError.at("/offerId",
                    "must be 1-64 lowercase letters, digits, '-' or '_', as in the catalog"))));
        }
    }
}
