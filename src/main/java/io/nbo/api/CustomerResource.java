package io.nbo.api;

import io.nbo.api.Problem.FieldError;
import io.nbo.context.CustomerContextRepository;
import io.nbo.context.CustomerDataValidator;
import io.nbo.context.CustomerExport;
import io.nbo.context.CustomerId;
import io.nbo.context.PersonalDataRepository;
import io.nbo.model.Cart;
import io.nbo.model.CustomerData;
import io.nbo.model.Event;
import io.nbo.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code /v1/customers/{id}}: upsert and read a customer's context; erase and export everything stored about them. */
@Path("/v1/customers/{id}")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class CustomerResource {

    private static final String ID = "The customer's id: 1-128 of A-Z a-z 0-9 . _ : @ + -";
    static final String ID_PATTERN = "^" + CustomerId.REGEX + "$";

    /** A customer as the API shows it. */
    public record CustomerView(String id, Map<String, Object> profile, Map<String, Boolean> consent,
                               Map<String, Map<String, Long>> engagement, Cart cart, List<Event> recent, Instant updatedAt) {
        static CustomerView of(String id, CustomerData d, Instant updatedAt) {
            return new CustomerView(id, d.profile(), d.consent(), d.engagement(), d.cart(), d.recent(), updatedAt);
        }
    }

    /** What an erasure removed: the kinds of the customer's keys that existed, decision records and stream entries. */
    public record Erased(String customerId, List<String> keys, long decisions, long streamEvents) {
    }

    private final CustomerContextRepository customers;
    private final CustomerDataValidator validator;
    private final PersonalDataRepository personalData;
    // A field, not a constructor argument, so this resource's constructor stays as it is.
    @Inject
    Audited audit;

    public CustomerResource(CustomerContextRepository customers, CustomerDataValidator validator, PersonalDataRepository personalData) {
        this.customers = customers;
        this.validator = validator;
        this.personalData = personalData;
    }

    @GET
    @Operation(summary = "Read everything stored for a customer")
    @APIResponse(responseCode = "200", description = "The customer as stored",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CustomerView.class)))
    @APIResponse(responseCode = "404", description = "Nothing stored for this id")
    public Uni<CustomerView> get(@Parameter(description = ID, schema = @Schema(type = SchemaType.STRING, pattern = ID_PATTERN), example = "demo-000042")
                                 @PathParam("id") String id) {
        checkId(id);
        return Uni.createFrom().completionStage(() -> customers.load(id)).map(stored -> stored
                .map(s -> CustomerView.of(id, s.data(), s.updatedAt()))
                .orElseThrow(() -> new ProblemException(Problem.of(Response.Status.NOT_FOUND, "no customer " + id))));
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create or replace a customer",
            description = "Replaces the whole customer atomically. Profile values are text, numbers, booleans or dates "
                    + "(a text that is an ISO date or instant is stored as a date). Consent and engagement are per channel id.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "customer", value = """
            {"profile": {"firstName": "Ana", "tier": "gold", "lifetimeValue": 1840.5, "appInstalled": true,
                         "signupDate": "2023-02-01", "lastPurchaseAt": "2026-10-01T10:00:00Z"},
             "consent": {"email": true, "sms": false, "push": true},
             "engagement": {"email": {"sent": 40, "opens": 18, "clicks": 6}, "web": {"sent": 12, "clicks": 1}},
             "cart": {"items": [{"sku": "SH-104", "name": "Trail runner", "category": "shoes", "price": 89.0, "quantity": 1}],
                      "updatedAt": "2026-11-23T09:00:00Z"},
             "recent": [{"type": "page_view", "at": "2026-11-23T08:55:00Z", "attributes": {"category": "shoes"}}]}""")))
    @APIResponse(responseCode = "200", description = "Stored; the customer as now stored")
    @APIResponse(responseCode = "400", description = "Invalid data; nothing was changed")
    public Uni<CustomerView> put(@Parameter(description = ID, schema = @Schema(type = SchemaType.STRING, pattern = ID_PATTERN), example = "demo-000042")
                                 @PathParam("id") String id, @NotNull CustomerData body) {
        checkId(id);
        CustomerDataValidator.Checked checked = validator.check(body);
        if (!checked.isValid()) {
            List<FieldError> errors = checked.errors().entrySet().stream().map(e -> FieldError.at(e.getKey(), e.getValue())).toList();
            throw new ProblemException(Problem.invalid(errors.size() == 1 ? errors.get(0).pointer() + " " + errors.get(0).detail()
                    : errors.size() + " fields are invalid; nothing was changed", errors));
        }
        Instant now = Instant.now();
        return Uni.createFrom().completionStage(() -> customers.upsert(id, checked.data(), now))
                .map(ignored -> CustomerView.of(id, checked.data(), now));
    }

    @DELETE
    @Operation(summary = "Erase everything stored about a customer",
            description = "Removes the profile, consent, engagement, cart, recent events, contact history, applied event ids, "
                    + "journey, the decisions recorded for the customer and their events in the partition's stream. Report and "
                    + "global cap counters hold no personal data and stay. A second DELETE answers 404.")
    @APIResponse(responseCode = "200", description = "Erased; what was removed")
    @APIResponse(responseCode = "404", description = "Nothing stored for this id (never stored, or erased already)")
    @APIResponse(responseCode = "503", description = "Redis is down or too slow; part may have been erased: DELETE again after Retry-After")
    public Uni<Erased> delete(@Parameter(description = ID, schema = @Schema(type = SchemaType.STRING, pattern = ID_PATTERN), example = "demo-000042")
                              @PathParam("id") String id) {
        checkId(id);
        return audit.customerDeletion(id, Uni.createFrom().completionStage(() -> personalData.erase(id)).map(erasure -> {
            if (erasure.removedNothing()) {
                throw new ProblemException(Problem.of(Response.Status.NOT_FOUND, "no customer " + id));
            }
            return new Erased(id, erasure.keys(), erasure.decisions(), erasure.streamEvents());
        }));
    }

    @GET
    @Path("export")
    @Operation(summary = "Export everything stored about a customer",
            description = "The context, contact history, applied event ids, journey, recorded decisions and the customer's events "
                    + "in the partition's stream, as one JSON attachment.")
    @APIResponse(responseCode = "200", description = "Everything stored, as an attachment",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CustomerExport.class)))
    @APIResponse(responseCode = "404", description = "Nothing stored for this id")
    public Uni<Response> export(@Parameter(description = ID, schema = @Schema(type = SchemaType.STRING, pattern = ID_PATTERN), example = "demo-000042")
                                @PathParam("id") String id) {
        checkId(id);
        return Uni.createFrom().completionStage(() -> personalData.export(id, Instant.now())).map(found -> found
                .map(e -> Response.ok(e).header("Content-Disposition", "attachment; filename=\"customer-" + id + ".json\"").build())
                .orElseThrow(() -> new ProblemException(Problem.of(Response.Status.NOT_FOUND, "no customer " + id))));
    }

    private static void checkId(String id) {
        if (!CustomerId.isValid(id)) {
            throw new ProblemException(Problem.invalid("invalid customer id", List.of(FieldError.at("/id", CustomerId.RULE))));
        }
    }
}
