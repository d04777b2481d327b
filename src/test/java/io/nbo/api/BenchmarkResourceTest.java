package io.nbo.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.testing.Customers;
import io.nbo.testing.RedisServer;
import io.nbo.testing.RedisServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmark-only floor, enabled: the decision's read and nothing else, answered like a decision would be asked. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@TestProfile(BenchmarkResourceTest.FloorEnabled.class)
class BenchmarkResourceTest {

    /** The floor switched on, with its own Redis to kill. */
    public static class FloorEnabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("nbo.benchmark.floor-enabled", "true");
        }
    }

    static JsonPath floor(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post("/bench/floor")
                .then().statusCode(200).contentType(ContentType.JSON).extract().jsonPath();
    }

    @Test
    void aStoredCustomerIsFoundAndAnUnknownOneIsNot() {
        given().contentType(ContentType.JSON).body(Customers.goldCartAbandoner()).put("/v1/customers/t-floor").then().statusCode(200);

        JsonPath known = floor(Map.of("customerId", "t-floor", "channel", "web", "placement", "home-hero", "limit", 1));
        assertThat(known.getString("customerId")).isEqualTo("t-floor");
        assertThat(known.getBoolean("found")).isTrue();
        assertThat(known.getString("channel")).isEqualTo("web");
        assertThat(known.getBoolean("degraded")).isFalse();

        JsonPath unknown = floor(Map.of("customerId", "t-nobody", "channel", "call_center"));
        assertThat(unknown.getBoolean("found")).isFalse();
        assertThat(unknown.getBoolean("degraded")).isFalse();
    }

    @Test
    void aBadBodyIsAProblemAsForADecision() {
        var r = given().contentType(ContentType.JSON).body(Map.of("customerId", "t-floor", "channel", "fax", "limit", 0))
                .post("/bench/floor").then().statusCode(400).contentType("application/problem+json").extract().jsonPath();
        assertThat(r.getInt("status")).isEqualTo(400);
        assertThat(r.getList("errors.pointer")).contains("/limit");

        var channel = given().contentType(ContentType.JSON).body(Map.of("channel", "fax"))
                .post("/bench/floor").then().statusCode(400).contentType("application/problem+json").extract().jsonPath();
        assertThat(channel.getList("errors.pointer")).containsExactly("/channel");

        given().contentType(ContentType.JSON).body("{\"channel\": ").post("/bench/floor")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void itIsNotInTheOpenApiDocument() {
        String doc = given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
        assertThat(doc).contains("/v1/decisions").doesNotContain("/bench");
    }

    @Test
    void withRedisDownItAnswersDegradedNotAnError() throws Exception {
        RedisServer redis = RedisServerResource.current();
        redis.kill();
        try {
            JsonPath down = floor(Map.of("customerId", "t-floor", "channel", "web"));
            assertThat(down.getBoolean("found")).isFalse();
            assertThat(down.getBoolean("degraded")).isTrue();
        } finally {
            redis.restart();
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (floor(Map.of("customerId", "t-floor", "channel", "web")).getBoolean("degraded") && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        assertThat(floor(Map.of("customerId", "t-floor", "channel", "web")).getBoolean("degraded")).isFalse();
    }
}
