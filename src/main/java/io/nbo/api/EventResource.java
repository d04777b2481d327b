package io.nbo.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.nbo.api.Problem.FieldError;
import io.nbo.events.EventService;
import io.nbo.events.EventsNotStoredException;
import io.nbo.events.Ingested;
import io.nbo.events.InvalidEventsException;
import io.nbo.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** {@code POST /v1/events}: offer responses and customer behaviour, one event or a batch, each applied exactly once. */
@Path("/v1/events")
public class EventResource {

    private static final Logger LOG = Logger.getLogger(EventResource.class);

    private final EventService events;

    public EventResource(EventService events) {
        this.events = events;
    }

    // On the method, not the class: a class-level role would also wrap the exception mappers below.
    @POST
    @RolesAllowed(Roles.CHANNEL)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record events: offer responses and customer behaviour",
            description = "One event object, or an array of up to 1,000. Offer events (impression, click, accept, reject, dismiss, "
                    + "conversion) name the decisionId they answer and are attributed to the offer, channel and rule-set version "
                    + "it recorded; behavioural events (page_view, cart_add, cart_remove, purchase, opt_in, opt_out, "
                    + "profile_change, or any other lowercase type, recorded as recent behaviour) change the customer's context "
                    + "at once. Each event is applied exactly once: a retry with the same eventId changes nothing and is answered "
                    + "as a duplicate. A 200 means every event is stored; a 503 means retry the whole batch.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = {
            @ExampleObject(name = "an impression and a click", description = "Offer events name the decisionId they answer; with "
                    + "the offerId and channel too, they count even when that decision is no longer recorded (as this one is not)",
                    value = """
                    [{"eventId": "ev-1001", "type": "impression", "customerId": "demo-000042",
                      "decisionId": "5b0c7a9e-3d1f-4a51-9b7e-1f2a3b4c5d6e", "offerId": "winback-vip-call", "channel": "email"},
                     {"eventId": "ev-1002", "type": "click", "customerId": "demo-000042",
                      "decisionId": "5b0c7a9e-3d1f-4a51-9b7e-1f2a3b4c5d6e", "offerId": "winback-vip-call", "channel": "email"}]"""),
            @ExampleObject(name = "a conversion", value = """
                    {"eventId": "ev-1003", "type": "conversion", "customerId": "demo-000042",
                     "decisionId": "5b0c7a9e-3d1f-4a51-9b7e-1f2a3b4c5d6e", "offerId": "winback-vip-call", "channel": "email", "amount": 89.0}"""),
            @ExampleObject(name = "behaviour", value = """
                    [{"eventId": "ev-2001", "type": "page_view", "customerId": "demo-000042",
                      "channel": "web", "attributes": {"category": "shoes", "page": "/shoes/trail"}},
                     {"eventId": "ev-2002", "type": "cart_add", "customerId": "demo-000042",
                      "attributes": {"sku": "SH-104", "name": "Trail runner", "category": "shoes", "price": 89.0, "quantity": 1}},
                     {"eventId": "ev-2003", "type": "opt_in", "customerId": "demo-000042", "channel": "sms"},
                     {"eventId": "ev-2004", "type": "profile_change", "customerId": "demo-000042",
                      "attributes": {"tier": "platinum", "loyaltyPoints": 3100}}]""")}))
    @APIResponse(responseCode = "200", description = "Every event is stored: applied now, or a duplicate of one applied before",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Ingested.class), examples = @ExampleObject(name = "applied", value = """
                    {"applied": 1, "duplicates": 1, "results": [
                      {"eventId": "ev-1001", "status": "duplicate"},
                      {"eventId": "ev-1002", "status": "applied", "attribution": {"decisionId": "5b0c7a9e-3d1f-4a51-9b7e-1f2a3b4c5d6e",
                       "offerId": "winback-vip-call", "channel": "email", "ruleSetVersion": "c844f4c39aef", "attributed": true}}]}""")))
    @APIResponse(responseCode = "400", description = "Invalid events, each problem with a JSON pointer (/3/type); nothing was stored")
    @APIResponse(responseCode = "503", description = "Redis unavailable or too slow: some events may be stored; retry the whole "
            + "batch after Retry-After (events already applied are skipped as duplicates)")
    public Uni<Ingested> post(JsonNode body) {
        return Uni.createFrom().completionStage(() -> events.ingest(body, CallerContext.current()));
    }

    @ServerExceptionMapper
    public Response invalid(InvalidEventsException e) {
        return Problem.invalid(e.getMessage(), e.problems().stream().map(p -> FieldError.at(p.pointer(), p.detail())).toList())
                .toResponse();
    }

    @ServerExceptionMapper
    public Response notStored(EventsNotStoredException e) {
        LOG.warnf("events not stored: %s", e.getMessage());
        return Problem.unavailable("the event store is unavailable or too slow; " + e.stored() + " of " + e.total()
                + " events are stored; retry the whole batch shortly (events already applied are skipped as duplicates)");
    }
}
