package io.nbo.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.testing.AccessControlOn;
import io.nbo.testing.RedisServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every endpoint, as listed by the running application's OpenAPI document (plus the hidden benchmark
 * floor), against the roles it must allow: 401 without a key and with an unknown one, 403 with a key
 * of another role, through with its own. An endpoint missing from {@link #ROLES} fails the test, so a
 * new endpoint cannot ship without a decision on who may call it.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@TestProfile(AccessControlOn.class)
class AccessControlTest {

    static final Set<String> CHANNEL = Set.of(Roles.CHANNEL);
    static final Set<String> MARKETER = Set.of(Roles.MARKETER);
    static final Set<String> ADMIN = Set.of(Roles.ADMIN);

    /** Who may call what: "METHOD path" as in the OpenAPI document → the roles allowed. */
    static final Map<String, Set<String>> ROLES = new TreeMap<>(Map.ofEntries(
            Map.entry("POST /v1/decisions", CHANNEL),
            Map.entry("POST /v1/events", CHANNEL),
            Map.entry("POST /bench/floor", CHANNEL),
            Map.entry("GET /v1/customers/{id}", ADMIN),
            Map.entry("PUT /v1/customers/{id}", ADMIN),
            Map.entry("DELETE /v1/customers/{id}", ADMIN),
            Map.entry("GET /v1/customers/{id}/export", ADMIN),
            Map.entry("GET /v1/audit", ADMIN),
            Map.entry("GET /v1/reports/offers", MARKETER),
            Map.entry("POST /v1/rulesets/validate", MARKETER),
            Map.entry("POST /v1/rulesets", MARKETER),
            Map.entry("GET /v1/rulesets", MARKETER),
            Map.entry("GET /v1/rulesets/history", MARKETER),
            Map.entry("GET /v1/rulesets/{version}", MARKETER),
            Map.entry("GET /v1/rulesets/{from}/diff/{to}", MARKETER),
            Map.entry("POST /v1/rulesets/{version}/activate", MARKETER),
            Map.entry("GET /v1/rulesets/active", Set.of(Roles.MARKETER, Roles.ADMIN)),
            Map.entry("GET /v1/rulesets/replicas", Set.of(Roles.MARKETER, Roles.ADMIN)),
            Map.entry("POST /v1/rulesets/simulations", MARKETER),
            Map.entry("GET /v1/rulesets/simulations", MARKETER),
            Map.entry("GET /v1/rulesets/simulations/{id}", MARKETER),
            Map.entry("DELETE /v1/rulesets/simulations/{id}", MARKETER),
            Map.entry("GET /v1/models", Set.of(Roles.MARKETER, Roles.ADMIN)),
            Map.entry("GET /v1/models/{offerId}", Set.of(Roles.MARKETER, Roles.ADMIN)),
            Map.entry("POST /v1/models/{offerId}/reset", Set.of(Roles.MARKETER, Roles.ADMIN)),
            Map.entry("POST /v1/models/rebuild", ADMIN)));

    /** Endpoints that are not in the OpenAPI document on purpose. */
    static final Set<String> HIDDEN = Set.of("POST /bench/floor");

    /** Operations the OpenAPI document lists (outside /q, which Quarkus serves itself). */
    static Set<String> documented() {
        Map<String, Map<String, Object>> paths = given().get("/q/openapi?format=json").then().statusCode(200)
                .extract().jsonPath().getMap("paths");
        Set<String> ops = new TreeSet<>();
        paths.forEach((path, methods) -> methods.keySet().stream()
                .filter(m -> Set.of("get", "put", "post", "delete", "patch", "head", "options").contains(m))
                .forEach(m -> ops.add(m.toUpperCase(java.util.Locale.ROOT) + " " + path)));
        return ops;
    }

    @Test
    void everyDocumentedEndpointHasItsRolesDecided() {
        Set<String> expected = new TreeSet<>(ROLES.keySet());
        expected.removeAll(HIDDEN);
        assertThat(documented()).as("endpoints in the OpenAPI document; add a new one to ROLES (and @RolesAllowed)")
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @TestFactory
    Stream<DynamicTest> everyEndpointRefusesWhoMayNotCallIt() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String op : documentedAndHidden()) {
            Set<String> allowed = ROLES.getOrDefault(op, Set.of());
            tests.add(DynamicTest.dynamicTest(op + " without a key is 401", () -> assertUnauthenticated(call(op, null), op)));
            tests.add(DynamicTest.dynamicTest(op + " with an unknown key is 401", () -> assertUnauthenticated(call(op, AccessControlOn.UNKNOWN_KEY), op)));
            for (String other : List.of(Roles.CHANNEL, Roles.MARKETER, Roles.ADMIN, Roles.METRICS)) {
                if (!allowed.contains(other)) {
                    tests.add(DynamicTest.dynamicTest(op + " with a " + other + " key is 403", () -> {
                        Response r = call(op, AccessControlOn.keyOf(other));
                        assertThat(r.statusCode()).as(op + " with role " + other).isEqualTo(403);
                        assertProblem(r, 403);
                    }));
                }
            }
            for (String role : allowed) {
                tests.add(DynamicTest.dynamicTest(op + " with a " + role + " key gets through", () -> {
                    Response r = call(op, AccessControlOn.keyOf(role));
                    assertThat(r.statusCode()).as(op + " with role " + role + ": " + r.body().asString())
                            .isNotIn(401, 403).isLessThan(500);
                }));
            }
        }
        return tests.stream();
    }

    static Set<String> documentedAndHidden() {
        Set<String> all = new TreeSet<>(documented());
        all.addAll(HIDDEN);
        return all;
    }

    static void assertUnauthenticated(Response r, String op) {
        assertThat(r.statusCode()).as(op + ": " + r.body().asString()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).isEqualTo("ApiKey header=\"X-API-Key\"");
        assertProblem(r, 401);
    }

    static void assertProblem(Response r, int status) {
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonPath body = r.jsonPath();
        assertThat(body.getInt("status")).isEqualTo(status);
        assertThat(body.getString("detail")).isNotBlank();
        assertThat(r.body().asString()).doesNotContain("Exception").doesNotContain("at io.");
    }

    /** Calls the operation with sample path parameters and a JSON body where it takes one. */
    static Response call(String op, String key) {
        String method = op.substring(0, op.indexOf(' '));
        String path = op.substring(op.indexOf(' ') + 1)
                .replace("{id}", path(op).contains("simulations") ? "no-such-job" : "t-access")
                .replace("{offerId}", "free-shipping").replace("{version}", "0123456789ab").replace("{from}", "0123456789ab").replace("{to}", "ba9876543210");
        RequestSpecification request = given();
        if (key != null) {
            request = request.header("X-API-Key", key);
        }
        if (method.equals("POST") || method.equals("PUT")) {
            request = request.contentType("application/json").body("{}");
        }
        return request.request(method, path);
    }

    private static String path(String op) {
        return op.substring(op.indexOf(' ') + 1);
    }

    @Test
    void probesMetricsAndTheApiDocumentStayOpen() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
        // A bad key where none is needed changes nothing: authentication runs only where a role is needed.
        given().header("X-API-Key", AccessControlOn.UNKNOWN_KEY).get("/q/health").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }

    @Test
    void theApiDocumentNamesTheKeyHeader() {
        JsonPath doc = given().get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath();
        assertThat(doc.getString("components.securitySchemes.ApiKey.type")).isEqualTo("apiKey");
        assertThat(doc.getString("components.securitySchemes.ApiKey.in")).isEqualTo("header");
        assertThat(doc.getString("components.securitySchemes.ApiKey.name")).isEqualTo("X-API-Key");
    }

    @Test
    void aKeyWithSeveralRolesHasEachOfThem() {
        given().header("X-API-Key", AccessControlOn.OPS_KEY).contentType("application/json").body("{\"channel\": \"web\"}")
                .post("/v1/decisions").then().statusCode(200);
        given().header("X-API-Key", AccessControlOn.OPS_KEY).get("/v1/rulesets").then().statusCode(200);
        given().header("X-API-Key", AccessControlOn.OPS_KEY).get("/v1/customers/t-access").then().statusCode(403);
    }

    @Test
    void theKeyHeaderIsCaseInsensitiveAndTheKeyIsNot() {
        given().header("x-api-key", AccessControlOn.CHANNEL_KEY).contentType("application/json").body("{\"channel\": \"web\"}")
                .post("/v1/decisions").then().statusCode(200);
        given().header("X-API-Key", AccessControlOn.CHANNEL_KEY.toUpperCase(java.util.Locale.ROOT)).contentType("application/json")
                .body("{\"channel\": \"web\"}").post("/v1/decisions").then().statusCode(401);
        given().header("X-API-Key", "").contentType("application/json").body("{\"channel\": \"web\"}")
                .post("/v1/decisions").then().statusCode(401);
    }

    @Test
    void aBearerTokenIsNotAKey() {
        // Authorization stays free for OIDC: a key sent there is not read.
        given().header("Authorization", "Bearer " + AccessControlOn.CHANNEL_KEY).contentType("application/json")
                .body("{\"channel\": \"web\"}").post("/v1/decisions").then().statusCode(401);
    }
}
