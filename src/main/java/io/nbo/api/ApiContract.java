package io.nbo.api;

import io.nbo.context.CustomerDataValidator;
import io.nbo.context.CustomerId;
import io.nbo.context.ProfileValues;
import io.nbo.events.EventReader;
import io.nbo.events.EventType;
import io.nbo.model.Channel;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Completes the OpenAPI document at build time with what annotations cannot say well: the error
 * answers every operation really gives (each as {@code application/problem+json}), the shape of the
 * events body (one event or an array), and the free-form maps of a customer, typed with the same
 * constants the code checks them with. A schema this filter expects and does not find fails the
 * build, so a renamed type cannot silently leave the document behind. ApiContractTest checks the
 * result against the running service.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ApiContract implements OASFilter {

    /**
     * Operations that never touch Redis, so never answer 503 (a simulation reads customers in the
     * background, after its 202; model health is this replica's copy in memory). Every other one does when Redis is down or too slow; decisions only
     * when shedding load. ApiContractTest checks both sides with Redis stopped.
     */
    private static final List<String> IN_MEMORY = List.of(
            "POST /v1/rulesets/validate",
            "POST /v1/rulesets/simulations",
            "GET /v1/rulesets/active",
            "GET /v1/rulesets/simulations",
            "GET /v1/rulesets/simulations/{id}",
            "DELETE /v1/rulesets/simulations/{id}",
            "GET /v1/models",
            "GET /v1/models/{offerId}");

    static final String PROBLEM = "Problem";

    @Override
    public void filterOpenAPI(OpenAPI api) {
        Components components = api.getComponents();
        for (String name : List.of(PROBLEM, "EventInput", "CustomerData", "Cart", "CartItem", "Event", "DecisionRequest",
                "SimulationRequest", "Candidate", "Publication")) {
            if (components.getSchemas() == null || !components.getSchemas().containsKey(name)) {
                throw new IllegalStateException("ApiContract expects the schema " + name + " in the OpenAPI document; "
                        + "was a type renamed? Update ApiContract with it");
            }
        }
        Map<String, Schema> schemas = components.getSchemas();
        describeEvents(schemas);
        describeCustomer(schemas);
        for (String request : List.of("DecisionRequest", "SimulationRequest")) {
            Schema schema = schemas.get(request);
            schema.addProperty("context", context());
            schema.addProperty("channel", channel().description(schema.getProperties().get("channel").getDescription()));
        }
        for (String files : List.of("Candidate", "Publication", "SimulationRequest")) {
            Schema schema = schemas.get(files);
            schema.addProperty("files", fileMap(schema.getProperties().get("files")));
        }
        // Jackson reads an optional field sent as null as if it were left out.
        for (String request : List.of("DecisionRequest", "SimulationRequest", "EventInput", "CustomerData")) {
            Schema schema = schemas.get(request);
            List<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
            new ArrayList<>(schema.getProperties().keySet()).stream().filter(name -> !required.contains(name))
                    .forEach(name -> schema.addProperty(name, nullable(schema.getProperties().get(name))));
        }
        eventsBody(api, components);
        components.getSchemas().values().forEach(ApiContract::anchorPatterns);
        api.getPaths().getPathItems().forEach((path, item) -> item.getOperations().forEach((method, op) -> {
            if (op.getParameters() != null) {
                op.getParameters().stream().filter(p -> p.getName().equals("channel")).forEach(p -> p.setSchema(channel()));
                op.getParameters().forEach(p -> anchorPatterns(p.getSchema()));
            }
            errors(path, method, op);
        }));
    }

    /** The error answers of one operation, each with the problem+json schema. */
    private static void errors(String path, PathItem.HttpMethod method, Operation op) {
        String name = method + " " + path;
        APIResponses responses = op.getResponses();
        boolean body = op.getRequestBody() != null;
        // A parameter the code checks has its rule in its schema: a pattern, a range, a format or its values.
        boolean parameters = op.getParameters() != null && op.getParameters().stream().map(p -> p.getSchema()).anyMatch(s -> s != null
                && (s.getPattern() != null || s.getMinimum() != null || s.getMaximum() != null || s.getFormat() != null
                || s.getEnumeration() != null));
        if (body || parameters) {
            add(responses, "400", body ? "Invalid request: malformed JSON, a missing, unknown or wrong-typed field, a value out of "
                    + "range; errors point at each (a JSON pointer, or the parameter's name)"
                    : "An invalid parameter; errors name it");
        }
        if (path.startsWith("/v1/")) {
            add(responses, "401", "No API key in X-API-Key, or one that is not configured");
            responses.getAPIResponse("401").addHeader("WWW-Authenticate", OASFactory.createHeader()
                    .description("ApiKey header=\"X-API-Key\"").schema(OASFactory.createSchema().addType(SchemaType.STRING)));
            add(responses, "403", "The API key has no role allowed to call this");
        }
        if (body) {
            add(responses, "413", "The body is larger than this endpoint takes");
            add(responses, "415", "The body is not sent as Content-Type: application/json");
        }
        if (!IN_MEMORY.contains(name)) {
            add(responses, "503", path.equals("/v1/decisions")
                    ? "The replica has more decisions in flight than nbo.overload.max-decisions: retry after Retry-After"
                    : "Redis is down or too slow (or, for events, the replica is overloaded): retry after Retry-After");
        }
        responses.getAPIResponses().forEach((status, response) -> {
            if (status.startsWith("4") || status.startsWith("5")) {
                problem(response);
            }
            if (status.equals("503") || status.equals("429")) {
                response.addHeader("Retry-After", OASFactory.createHeader().description("Seconds to wait before retrying")
                        .schema(OASFactory.createSchema().addType(SchemaType.INTEGER).minimum(BigDecimal.ONE)));
            }
        });
    }

    private static void add(APIResponses responses, String status, String description) {
        APIResponse existing = responses.getAPIResponse(status);
        // Quarkus adds 401 and 403 with a bare "Not Authorized"/"Not Allowed"; a resource's own description is kept.
        if (existing == null || existing.getDescription() == null || existing.getDescription().startsWith("Not ")) {
            responses.addAPIResponse(status, OASFactory.createAPIResponse().description(description));
        }
    }

    /** Error answers carry problem+json, never a bare body. */
    private static void problem(APIResponse response) {
        response.setContent(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM))));
    }

    /** {@code POST /v1/events} takes one event or an array of up to {@link EventReader#MAX_BATCH}. */
    private static void eventsBody(OpenAPI api, Components components) {
        components.addSchema("Events", OASFactory.createSchema()
                .description("One event, or an array of 1 to " + EventReader.MAX_BATCH + " applied in order")
                .oneOf(List.of(OASFactory.createSchema().ref("EventInput"),
                        OASFactory.createSchema().addType(SchemaType.ARRAY).items(OASFactory.createSchema().ref("EventInput"))
                                .minItems(1).maxItems(EventReader.MAX_BATCH))));
        PathItem events = api.getPaths().getPathItem("/v1/events");
        if (events == null || events.getPOST() == null || events.getPOST().getRequestBody() == null) {
            throw new IllegalStateException("ApiContract expects POST /v1/events with a body");
        }
        Content content = events.getPOST().getRequestBody().getContent();
        MediaType json = content.getMediaType(jakarta.ws.rs.core.MediaType.APPLICATION_JSON);
        json.setSchema(OASFactory.createSchema().ref("Events"));
        components.removeSchema("JsonNode");
        components.removeSchema("JsonNodeType");
    }

    private static void describeEvents(Map<String, Schema> schemas) {
        Schema event = schemas.get("EventInput");
        event.additionalPropertiesBoolean(false);
        Map<String, Schema> p = event.getProperties();
        p.get("eventId").pattern(anchored(CustomerId.REGEX));
        p.get("type").pattern(anchored(EventType.CUSTOM.pattern()));
        p.get("customerId").pattern(anchored(CustomerId.REGEX));
        p.get("decisionId").pattern(anchored(CustomerId.REGEX));
        p.get("offerId").pattern(anchored(EventReader.OFFER_ID.pattern()));
        event.addProperty("channel", channel().description(p.get("channel").getDescription()));
        event.addProperty("attributes", OASFactory.createSchema().addType(SchemaType.OBJECT).description(p.get("attributes").getDescription()
                        + "; a profile_change's are profile values (text up to " + ProfileValues.MAX_TEXT + " characters, dates as "
                        + "ISO text), others' text is up to " + EventReader.MAX_TEXT + " characters")
                .maxProperties(EventReader.MAX_ATTRIBUTES)
                .propertyNames(OASFactory.createSchema().pattern(anchored(ProfileValues.NAME.pattern())))
                .additionalPropertiesSchema(scalar(ProfileValues.MAX_TEXT)));
    }

    private static void describeCustomer(Map<String, Schema> schemas) {
        Schema customer = schemas.get("CustomerData");
        // Each part left out (or null) is stored empty: a PUT may send only what it knows.
        customer.setRequired(null);
        customer.addProperty("profile", OASFactory.createSchema().addType(SchemaType.OBJECT)
                .description("Attributes the rules read: text (an ISO date or instant is stored as a date), numbers, booleans")
                .maxProperties(200).propertyNames(OASFactory.createSchema().pattern(anchored(ProfileValues.NAME.pattern())))
                .additionalPropertiesSchema(scalar(ProfileValues.MAX_TEXT)));
        customer.addProperty("consent", OASFactory.createSchema().addType(SchemaType.OBJECT)
                .description("Per channel: true when the customer consents to it, false when they opted out")
                .propertyNames(channel()).additionalPropertiesSchema(OASFactory.createSchema().addType(SchemaType.BOOLEAN)));
        customer.addProperty("engagement", OASFactory.createSchema().addType(SchemaType.OBJECT)
                .description("Per channel: counters such as sent, opens, clicks")
                .propertyNames(channel()).additionalPropertiesSchema(OASFactory.createSchema().addType(SchemaType.OBJECT)
                        .maxProperties(CustomerDataValidator.MAX_METRICS)
                        .propertyNames(OASFactory.createSchema().pattern(anchored(CustomerDataValidator.METRIC.pattern())))
                        .additionalPropertiesSchema(OASFactory.createSchema().addType(SchemaType.INTEGER).minimum(BigDecimal.ZERO))));
    }

    /** Rule-set files by name: DRL files, offers.yaml, policies.yaml, models.yaml and scenarios under tests/. */
    private static Schema fileMap(Schema generated) {
        return generated.propertyNames(OASFactory.createSchema().pattern(anchored(RuleSetResource.FILE_NAME)))
                .description("File name → content: NAME.drl, offers.yaml, policies.yaml, models.yaml, tests/NAME.yaml");
    }

    /** The same schema, null allowed too. */
    private static Schema nullable(Schema schema) {
        if (schema.getRef() != null) {
            return OASFactory.createSchema().description(schema.getDescription())
                    .anyOf(List.of(OASFactory.createSchema().ref(schema.getRef()), OASFactory.createSchema().addType(SchemaType.NULL)));
        }
        if (schema.getType() != null && !schema.getType().contains(SchemaType.NULL)) {
            schema.addType(SchemaType.NULL);
        }
        if (schema.getEnumeration() != null && !schema.getEnumeration().contains(null)) {
            List<Object> values = new ArrayList<>(schema.getEnumeration());
            values.add(null);
            schema.setEnumeration(values);
        }
        return schema;
    }

    /** The free-form context of a request: up to 50 attributes the rules can read. */
    private static Schema context() {
        return OASFactory.createSchema().addType(SchemaType.OBJECT).maxProperties(50)
                .description("Free-form attributes the rules can read (Request.attr(\"campaign\")), e.g. a campaign code")
                .examples(List.of(Map.of("campaign", "bf26")));
    }

    private static Schema channel() {
        return OASFactory.createSchema().addType(SchemaType.STRING)
                .enumeration(new ArrayList<>(Arrays.stream(Channel.values()).map(Channel::id).toList()));
    }

    /** Text up to {@code maxText} characters, a number or a boolean. */
    private static Schema scalar(int maxText) {
        return OASFactory.createSchema().type(List.of(SchemaType.STRING, SchemaType.NUMBER, SchemaType.BOOLEAN)).maxLength(maxText);
    }

    /**
     * Bean Validation's {@code @Pattern} matches the whole value, a JSON Schema pattern anywhere in it:
     * every pattern is anchored but {@code \\S}, which is how {@code @NotBlank} is written (some non-blank character).
     */
    private static void anchorPatterns(Schema schema) {
        if (schema == null) {
            return;
        }
        if (schema.getPattern() != null && !schema.getPattern().equals("\\S") && !schema.getPattern().startsWith("^")) {
            schema.setPattern(anchored(schema.getPattern()));
        }
        if (schema.getProperties() != null) {
            schema.getProperties().values().forEach(ApiContract::anchorPatterns);
        }
        anchorPatterns(schema.getItems());
        anchorPatterns(schema.getAdditionalPropertiesSchema());
        anchorPatterns(schema.getPropertyNames());
    }

    /** A Java pattern (matched whole) as a JSON Schema one (matched anywhere unless anchored). */
    static String anchored(String pattern) {
        return pattern.contains("|") ? "^(?:" + pattern + ")$" : "^" + pattern + "$";
    }
}
