package io.nbo.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.testing.Customers;
import io.nbo.testing.Events;
import io.nbo.testing.RedisServerResource;
import io.nbo.testing.RuleSets;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad input gets RFC 9457 problem+json that says what and where; never a 500 or a stack trace. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class BadInputTest {

    static ExtractableResponse<Response> post(String path, String body, int status) {
        ExtractableResponse<Response> r = given().contentType(ContentType.JSON).body(body).post(path)
                .then().statusCode(status).contentType("application/problem+json").extract();
        assertProblem(r, status);
        return r;
    }

    static void assertProblem(ExtractableResponse<Response> r, int status) {
        assertThat(r.jsonPath().getInt("status")).isEqualTo(status);
        assertThat(r.jsonPath().getString("title")).isNotBlank();
        assertThat(r.asString()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("io.nbo.");
    }

    @Test
    void malformedJsonSaysWhere() {
        var r = post("/v1/decisions", "{\"channel\": \"web\",,}", 400);
        assertThat(r.jsonPath().getString("detail")).contains("malformed JSON").contains("line 1");
    }

    @Test
    void aMissingChannelIsPointedAt() {
        var r = post("/v1/decisions", "{\"customerId\": \"c-1\"}", 400);
        assertThat(r.jsonPath().getList("errors.pointer")).containsExactly("/channel");
    }

    @Test
    void aWrongTypeIsPointedAt() {
        var r = post("/v1/decisions", "{\"channel\": \"web\", \"limit\": \"three\"}", 400);
        assertThat(r.jsonPath().getList("errors.pointer")).containsExactly("/limit");
        assertThat(r.jsonPath().getString("errors[0].detail")).contains("whole number").contains("three");
    }

    @Test
    void anUnknownChannelListsTheKnownOnes() {
        var r = post("/v1/decisions", "{\"channel\": \"fax\"}", 400);
        assertThat(r.jsonPath().getList("errors.pointer")).containsExactly("/channel");
        assertThat(r.jsonPath().getString("errors[0].detail")).contains("fax").contains("call_center");
    }

    @Test
    void anAbsurdLimitIsRefused() {
        assertThat(post("/v1/decisions", "{\"channel\": \"web\", \"limit\": 100000}", 400).jsonPath().getList("errors.pointer"))
                .containsExactly("/limit");
        assertThat(post("/v1/decisions", "{\"channel\": \"web\", \"limit\": 0}", 400).jsonPath().getList("errors.pointer"))
                .containsExactly("/limit");
    }

    @Test
    void aMisspeltFieldIsNotIgnored() {
        var r = post("/v1/decisions", "{\"channel\": \"web\", \"limt\": 3}", 400);
        assertThat(r.jsonPath().getList("errors.pointer")).containsExactly("/limt");
        assertThat(r.jsonPath().getString("errors[0].detail")).contains("limit");
    }

    @Test
    void aBodyThatIsNotAnObjectIsRefused() {
        post("/v1/decisions", "[1, 2]", 400);
        post("/v1/decisions", "", 400);
    }

    @Test
    void anOversizedBodyIsRefusedWith413() {
        String big = "{\"channel\": \"web\", \"context\": {\"x\": \"" + "a".repeat(300_000) + "\"}}";
        var r = given().contentType(ContentType.JSON).body(big).post("/v1/decisions")
                .then().statusCode(413).contentType("application/problem+json").extract();
        assertProblem(r, 413);
    }

    @Test
    void theWrongMediaTypeOrMethodIsAProblemToo() {
        var r = given().contentType(ContentType.TEXT).body("hello").post("/v1/decisions")
                .then().statusCode(415).contentType("application/problem+json").extract();
        assertProblem(r, 415);
        var m = given().get("/v1/decisions").then().statusCode(405).contentType("application/problem+json").extract();
        assertProblem(m, 405);
        var n = given().get("/v1/nothing-here").then().statusCode(404).contentType("application/problem+json").extract();
        assertProblem(n, 404);
    }

    @Test
    void badCustomerDataIsRefusedWholeAndNothingStoredChanges() {
        given().contentType(ContentType.JSON).body(Customers.goldCartAbandoner()).put("/v1/customers/t-keep").then().statusCode(200);

        var r = given().contentType(ContentType.JSON)
                .body(Map.of("profile", Map.of("tier", "silver", "nested", Map.of("a", 1)), "consent", Map.of("fax", true),
                        "engagement", Map.of("email", Map.of("clicks", -1))))
                .put("/v1/customers/t-keep").then().statusCode(400).contentType("application/problem+json").extract();

        assertProblem(r, 400);
        assertThat(r.jsonPath().getList("errors.pointer"))
                .containsExactlyInAnyOrder("/profile/nested", "/consent/fax", "/engagement/email/clicks");
        assertThat(given().get("/v1/customers/t-keep").then().statusCode(200).extract().jsonPath().getString("profile.tier"))
                .isEqualTo("gold");
    }

    @Test
    void aBadCustomerIdIsRefused() {
        var r = given().urlEncodingEnabled(false).contentType(ContentType.JSON).body(Map.of()).put("/v1/customers/a%7Bb%7D")
                .then().statusCode(400).contentType("application/problem+json").extract();
        assertProblem(r, 400);
        assertThat(r.jsonPath().getList("errors.pointer")).containsExactly("/id");
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void textAfterTheJsonValueIsRefused() {
        for (String body : List.of("{\"channel\": \"web\"}}}", "{\"channel\": \"web\"} {\"channel\": \"app\"}", "{\"channel\": \"web\"}]",
                "{\"channel\": \"web\"} x")) {
            assertThat(post("/v1/decisions", body, 400).jsonPath().getString("detail")).as(body).startsWith("malformed JSON");
        }
    }

    @Test
    void anEventWithTextAfterItIsRefusedAndNotStored() {
        String event = "{\"eventId\": \"trailing-1\", \"type\": \"page_view\", \"customerId\": \"t-trailing\", \"timestamp\": \""
                + java.time.Instant.now().minusSeconds(5) + "\"}";

        post("/v1/events", event + "}}", 400);

        // not stored: sent properly, it is applied now, not a duplicate of one applied before
        Events.post(io.restassured.path.json.JsonPath.from(event).getMap("")).statusCode(200)
                .body("results[0].status", org.hamcrest.Matchers.equalTo("applied"));
    }

    @Test
    void aFractionForAWholeNumberIsRefused() {
        for (String limit : List.of("1.5", "2.0")) {
            var r = post("/v1/decisions", "{\"channel\": \"web\", \"limit\": " + limit + "}", 400);
            assertThat(r.jsonPath().getList("errors.pointer")).as(limit).containsExactly("/limit");
            assertThat(r.jsonPath().getString("errors[0].detail")).contains("whole number");
        }
    }

    @Test
    void aNumberOrABooleanForTextIsRefused() {
        for (String value : List.of("1", "2.5", "false")) {
            var r = post("/v1/decisions", "{\"channel\": \"web\", \"placement\": " + value + "}", 400);
            assertThat(r.jsonPath().getList("errors.pointer")).as(value).containsExactly("/placement");
        }
        var files = post("/v1/rulesets/validate", "{\"files\": {\"offers.yaml\": 42}}", 400);
        assertThat(files.jsonPath().getList("errors.pointer")).containsExactly("/files/offers.yaml");
    }

    @Test
    void aFieldGivenTwiceIsRefusedAndPointedAt() {
        var r = post("/v1/decisions", "{\"channel\": \"web\", \"limit\": 1, \"channel\": \"app\"}", 400);
        assertThat(r.jsonPath().getList("errors.pointer")).containsExactly("/channel");
        var nested = post("/v1/decisions", "{\"channel\": \"web\", \"context\": {\"a\": 1, \"a\": 2}}", 400);
        assertThat(nested.jsonPath().getList("errors.pointer")).containsExactly("/context/a");
    }

    @Test
    void aBodyWithoutContentTypeIsRefused() throws Exception {
        for (String path : List.of("v1/decisions", "v1/events")) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve(path))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"channel\": \"web\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type")).as(path).hasValue("application/problem+json");
            assertThat(r.body()).as(path).contains("Content-Type").doesNotContain("Exception");
        }
    }

    @Test
    void aBadLimitParameterIsA400NamingIt() {
        for (String path : List.of("/v1/audit", "/v1/rulesets", "/v1/rulesets/history")) {
            for (String limit : List.of("abc", "0", "-3", "1001", "1.5", "")) {
                var r = given().get(path + "?limit=" + limit).then().statusCode(400).contentType("application/problem+json").extract();
                assertProblem(r, 400);
                assertThat(r.jsonPath().getList("errors.pointer")).as(path + "?limit=" + limit).containsExactly("/limit");
                assertThat(r.jsonPath().getString("detail")).contains("limit");
            }
            given().get(path + "?limit=2").then().statusCode(200);
        }
    }

    @Test
    void aContextNestedPastTheParsersLimitIsA400() {
        String deep = "[".repeat(1500) + "]".repeat(1500);
        var r = post("/v1/decisions", "{\"channel\": \"web\", \"context\": {\"deep\": " + deep + "}}", 400);
        assertThat(r.jsonPath().getString("detail")).contains("nested too deeply");
    }

    @Test
    void theLimitParametersStayWholeNumbersInTheOpenApiDocument() {
        var doc = given().accept("application/json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        for (String path : List.of("/v1/audit", "/v1/rulesets", "/v1/rulesets/history")) {
            String limit = "paths.'" + path + "'.get.parameters.find { it.name == 'limit' }.schema";
            assertThat(doc.getString(limit + ".type")).as(path).isEqualTo("integer");
            assertThat(doc.getInt(limit + ".minimum")).as(path).isEqualTo(1);
            assertThat(doc.getInt(limit + ".maximum")).as(path).isEqualTo(1000);
        }
    }

    @Test
    void aWrongMethodSaysWhichOnesThePathTakes() {
        var r = given().get("/v1/decisions").then().statusCode(405).contentType("application/problem+json").extract();
        assertThat(r.header("Allow")).contains("POST");
        assertThat(r.jsonPath().getString("detail")).contains("GET").contains("POST");
        var m = given().contentType(ContentType.JSON).body("{}").post("/v1/customers/c-1").then().statusCode(405).extract();
        assertThat(m.header("Allow")).contains("GET").contains("PUT").contains("DELETE");
    }

    @Test
    void frameworkMessagesAreSaidInHttpTerms() {
        var r = given().contentType(ContentType.TEXT).body("hello").post("/v1/decisions").then().statusCode(415).extract();
        assertThat(r.jsonPath().getString("detail")).contains("Content-Type: application/json").contains("text/plain")
                .doesNotContain("@").doesNotContain("Consumes");
    }

    @Test
    void validateErrorsSayWhatIsWrongInTheFilesTerms() {
        Map<String, String> files = RuleSets.folder();
        files.put("offers.yaml", files.get("offers.yaml").replaceFirst("value: [0-9.]+", "value: lots"));
        files.put("policies.yaml", files.get("policies.yaml").replaceFirst("max: 3", "max: three"));
        files.put("tests/typo.yaml", "name: a typo\nnow: 2026-11-23T12:00:00Z\nrequest: {channel: web}\nexpect: {}\nexpcet: {}\n");

        var report = given().contentType(ContentType.JSON).body(Map.of("files", files)).post("/v1/rulesets/validate")
                .then().statusCode(200).extract();

        assertThat(report.jsonPath().getBoolean("valid")).isFalse();
        assertThat(report.asString()).doesNotContain("java.").doesNotContain("io.nbo").doesNotContain("`").doesNotContain("class ");
        assertThat(report.jsonPath().getList("errors.message", String.class)).anyMatch(m -> m.contains("value: must be a number (got 'lots')"));
    }
}
