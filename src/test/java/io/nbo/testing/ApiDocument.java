package io.nbo.testing;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The running application's OpenAPI document ({@code /q/openapi}), read by swagger-parser into a
 * typed model (what requests are generated from), with networknt's JSON Schema validator in the
 * OpenAPI 3.1 dialect to check values against any schema in it.
 */
public final class ApiDocument {

    /** The base address the document is registered under, so its {@code #/components/...} references resolve. */
    private static final String BASE = "https://nbo.test/openapi.json";

    /** One operation of the document. */
    public record Op(String method, String path, Operation operation) {
        @Override
        public String toString() {
            return method + " " + path;
        }

        /** JSON pointer (RFC 6901) to the operation in the document. */
        String pointer() {
            return "/paths/" + escape(path) + "/" + method.toLowerCase(Locale.ROOT);
        }
    }

    private final JsonNode json;
    private final OpenAPI model;
    private final SchemaRegistry registry;
    private final Map<String, Schema> compiled = new HashMap<>();

    private ApiDocument(String text, ObjectMapper mapper) {
        try {
            this.json = mapper.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        ParseOptions options = new ParseOptions();
        options.setResolve(false);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(text, null, options);
        if (parsed.getMessages() != null && !parsed.getMessages().isEmpty()) {
            throw new IllegalStateException("/q/openapi is not a valid OpenAPI document: " + parsed.getMessages());
        }
        this.model = parsed.getOpenAPI();
        this.registry = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(), builder -> builder
                .schemas(Map.of(BASE, text))
                .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    }

    /** Reads {@code /q/openapi} of the application under test. */
    public static ApiDocument fetch(ObjectMapper mapper) {
        String text = given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
        return new ApiDocument(text, mapper);
    }

    public OpenAPI model() {
        return model;
    }

    public JsonNode json() {
        return json;
    }

    /** Every operation, in the document's order. */
    public List<Op> operations() {
        List<Op> ops = new ArrayList<>();
        model.getPaths().forEach((path, item) -> item.readOperationsMap()
                .forEach((PathItem.HttpMethod method, Operation op) -> ops.add(new Op(method.name(), path, op))));
        return ops;
    }

    /** The statuses the document lists for an operation. */
    public Set<Integer> statuses(Op op) {
        Set<Integer> out = new TreeSet<>();
        op.operation().getResponses().keySet().forEach(code -> out.add(Integer.parseInt(code)));
        return out;
    }

    /** The media types the document gives for one status of an operation (empty: no body). */
    public Set<String> mediaTypes(Op op, int status) {
        JsonNode content = json.at(op.pointer() + "/responses/" + status + "/content");
        Set<String> out = new TreeSet<>();
        content.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** What is wrong with a response body, by the schema the document gives for its status and media type; empty when it fits. */
    public List<String> checkResponse(Op op, int status, String mediaType, JsonNode body) {
        return check(op.pointer() + "/responses/" + status + "/content/" + escape(mediaType) + "/schema", body);
    }

    /** What is wrong with a request body by the operation's schema for JSON bodies; empty when it fits. */
    public List<String> checkRequest(Op op, JsonNode body) {
        return check(op.pointer() + "/requestBody/content/application~1json/schema", body);
    }

    /** What is wrong with a parameter's value (as JSON: a number for an integer parameter that parses as one); empty when it fits. */
    public List<String> checkParameter(Op op, Parameter parameter, JsonNode value) {
        List<Parameter> all = op.operation().getParameters();
        return check(op.pointer() + "/parameters/" + all.indexOf(parameter) + "/schema", value);
    }

    /** Validates {@code value} against the schema at a JSON pointer into the document. */
    public List<String> check(String pointer, JsonNode value) {
        Schema schema = compiled.computeIfAbsent(pointer, p -> {
            JsonNode node = json.at(p);
            if (node.isMissingNode()) {
                throw new IllegalArgumentException("no schema at " + p + " in /q/openapi");
            }
            return registry.getSchema(absolute(node.deepCopy()));
        });
        List<String> out = new ArrayList<>();
        for (Error e : schema.validate(value)) {
            out.add(e.getInstanceLocation() + ": " + e.getMessage());
        }
        return out;
    }

    /** The schema with every document-relative reference made absolute, so it can be compiled on its own. */
    private static JsonNode absolute(JsonNode node) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.isTextual() && ref.textValue().startsWith("#/")) {
                object.put("$ref", BASE + ref.textValue());
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                absolute(it.next().getValue());
            }
        } else if (node.isArray()) {
            node.forEach(ApiDocument::absolute);
        }
        return node;
    }

    /** A JSON pointer token (RFC 6901). */
    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
