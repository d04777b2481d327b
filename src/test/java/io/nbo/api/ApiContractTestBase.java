package io.nbo.api;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nbo.testing.ApiDocument;
import io.nbo.testing.ApiDocument.Op;
import io.nbo.testing.ContractCheck;
import io.nbo.testing.Customers;
import io.nbo.testing.RequestFuzzer;
import io.nbo.testing.RequestFuzzer.Call;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@link ApiContractTest} and {@link ApiContractSecuredTest} share: fixtures, the fuzz run and the examples. */
abstract class ApiContractTestBase {

    /** The fuzzer's seed: the same requests on every run. */
    static final long SEED = 13L;
    /** Customers the fuzzer's path parameters name, stored before each operation is fuzzed (a DELETE may have erased them). */
    static final List<String> CUSTOMERS = List.of("demo-000042", "fuzz-000001");

    @Inject
    ObjectMapper json;

    /** The key to send for a role; null when access control is off. */
    abstract String key(String role);

    /** How many requests each operation gets. */
    abstract int perOperation(Op op);

    /** The role an operation's security requirement names first (its scopes are the roles allowed). */
    static String role(Op op) {
        if (op.operation().getSecurity() == null || op.operation().getSecurity().isEmpty()) {
            return null;
        }
        List<String> roles = op.operation().getSecurity().get(0).get("ApiKey");
        return roles == null || roles.isEmpty() ? null : roles.get(0);
    }

    private RequestSpecification as(String role) {
        String key = key(role);
        return key == null ? given() : given().header("X-API-Key", key);
    }

    /** Stores the fuzzer's customers, starts a simulation, and names the values the path parameters may take. */
    Map<String, List<String>> fixtures() {
        storeCustomers();
        List<String> versions = as("marketer").get("/v1/rulesets").then().statusCode(200).extract().jsonPath().getList("version");
        String job = as("marketer").contentType(ContentType.JSON).body(Map.of("channel", "web", "sample", 5))
                .post("/v1/rulesets/simulations").then().statusCode(202).extract().jsonPath().getString("id");
        Map<String, List<String>> known = new LinkedHashMap<>();
        known.put("/v1/customers/{id}:id", CUSTOMERS);
        known.put("/v1/customers/{id}/export:id", CUSTOMERS);
        for (String p : List.of("/v1/rulesets/{version}:version", "/v1/rulesets/{version}/activate:version",
                "/v1/rulesets/{from}/diff/{to}:from", "/v1/rulesets/{from}/diff/{to}:to")) {
            known.put(p, versions);
        }
        known.put("/v1/rulesets/simulations/{id}:id", List.of(job));
        return known;
    }

    private void storeCustomers() {
        for (String id : CUSTOMERS) {
            as("admin").contentType(ContentType.JSON).body(Customers.goldCartAbandoner()).put("/v1/customers/" + id).then().statusCode(200);
        }
    }

    private String activeVersion() {
        return as("marketer").get("/v1/rulesets/active").then().statusCode(200).extract().jsonPath().getString("version");
    }

    /** Makes {@code version} active again if a test changed it, so what follows decides as before. */
    private void restore(String version) {
        if (!activeVersion().equals(version)) {
            as("marketer").contentType(ContentType.JSON).body(Map.of("author", "ApiContractTest", "message", "restore"))
                    .post("/v1/rulesets/" + version + "/activate").then().statusCode(200);
        }
    }

    /** Fuzzes every operation of the document and checks every answer. */
    ContractCheck fuzz(long seed) {
        ApiDocument doc = ApiDocument.fetch(json);
        String active = activeVersion();
        Map<String, List<String>> known = fixtures();
        RequestFuzzer fuzzer = new RequestFuzzer(doc, seed, known);
        ContractCheck check = new ContractCheck(doc, json);
        Map<String, Long> millis = new java.util.TreeMap<>();
        for (Op op : doc.operations()) {
            storeCustomers();
            long start = System.nanoTime();
            for (Call call : fuzzer.calls(op, perOperation(op))) {
                check.send(call, key(role(op)));
            }
            millis.put(op.toString(), (System.nanoTime() - start) / 1_000_000);
        }
        System.out.println(getClass().getSimpleName() + ": milliseconds per operation " + millis);
        restore(active);
        return check;
    }

    /** Sends every request example as written (path parameters from their examples, or the fixtures) and checks the answers. */
    ContractCheck pasteExamples() {
        ApiDocument doc = ApiDocument.fetch(json);
        String active = activeVersion();
        Map<String, List<String>> known = fixtures();
        ContractCheck check = new ContractCheck(doc, json);
        int pasted = 0;
        for (Op op : doc.operations()) {
            for (Call call : examples(doc, op, known)) {
                io.restassured.response.Response r = check.send(call, key(role(op)));
                pasted++;
                if (r.statusCode() >= 300) {
                    check.note(op, r.statusCode() + " for an example, which must succeed when pasted", call, r);
                }
            }
        }
        restore(active);
        if (pasted < 10) {
            throw new AssertionError("only " + pasted + " examples found in /q/openapi");
        }
        return check;
    }

    /**
     * The operation's examples as requests: each request-body example, or, for an operation without a
     * body whose parameters have examples, one request with them all. Path parameters without an
     * example take a fixture's value. None for an operation with neither.
     */
    List<Call> examples(ApiDocument doc, Op op, Map<String, List<String>> known) {
        List<Parameter> parameters = op.operation().getParameters() == null ? List.of() : op.operation().getParameters();
        String path = op.path();
        StringBuilder query = new StringBuilder();
        boolean anyExample = false;
        for (Parameter p : parameters) {
            Object example = p.getExample();
            String value = example != null ? String.valueOf(example)
                    : known.getOrDefault(op.path() + ":" + p.getName(), List.of()).stream().findFirst().orElse(null);
            if (value == null) {
                continue;
            }
            if ("path".equals(p.getIn())) {
                path = path.replace("{" + p.getName() + "}", value);
            } else if (example != null) {
                query.append(query.length() == 0 ? "" : "&").append(p.getName()).append('=').append(value);
                anyExample = true;
            }
        }
        if (path.contains("{")) {
            return List.of();
        }
        List<Call> out = new ArrayList<>();
        MediaType body = op.operation().getRequestBody() == null ? null
                : op.operation().getRequestBody().getContent().get("application/json");
        if (body != null && body.getExamples() != null) {
            for (Map.Entry<String, Example> e : body.getExamples().entrySet()) {
                String text = json.valueToTree(e.getValue().getValue()).toString();
                out.add(new Call(op, op.method(), path, query.toString(), "application/json", text.getBytes(StandardCharsets.UTF_8),
                        "example \"" + e.getKey() + "\"", null));
            }
        } else if (body == null && anyExample) {
            out.add(new Call(op, op.method(), path, query.toString(), null, null, "the parameters' examples", null));
        }
        return out;
    }

    /** Every example in the document (request bodies, parameters, responses) checked against the schema it illustrates. */
    List<String> examplesAgainstSchemas(ApiDocument doc) {
        List<String> wrong = new ArrayList<>();
        for (Op op : doc.operations()) {
            if (op.operation().getRequestBody() != null) {
                MediaType body = op.operation().getRequestBody().getContent().get("application/json");
                if (body.getExamples() != null) {
                    body.getExamples().forEach((name, example) -> doc.checkRequest(op, json.valueToTree(example.getValue()))
                            .forEach(problem -> wrong.add(op + " request example \"" + name + "\": " + problem)));
                }
            }
            if (op.operation().getParameters() != null) {
                for (Parameter p : op.operation().getParameters()) {
                    if (p.getExample() != null) {
                        JsonNode value = json.valueToTree(p.getExample());
                        doc.checkParameter(op, p, value.isTextual() ? value : json.getNodeFactory().textNode(value.asText()))
                                .forEach(problem -> wrong.add(op + " parameter " + p.getName() + " example: " + problem));
                    }
                }
            }
            for (Map.Entry<String, ApiResponse> response : op.operation().getResponses().entrySet()) {
                if (response.getValue().getContent() == null) {
                    continue;
                }
                response.getValue().getContent().forEach((mediaType, content) -> {
                    if (content.getExamples() != null) {
                        content.getExamples().forEach((name, example) -> doc.checkResponse(op, Integer.parseInt(response.getKey()),
                                mediaType, json.valueToTree(example.getValue()))
                                .forEach(problem -> wrong.add(op + " " + response.getKey() + " example \"" + name + "\": " + problem)));
                    }
                });
            }
        }
        return wrong;
    }
}
