package io.nbo.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.testing.Customers;
import io.nbo.testing.RedisServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
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
}
