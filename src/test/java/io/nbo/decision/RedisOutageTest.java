package io.nbo.decision;

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

/** When Redis goes away, decisions still answer (degraded, saying why), writes get a retryable 503, and it all recovers. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@TestProfile(RedisOutageTest.OwnRedis.class)
class RedisOutageTest {

    /** A profile of its own, so this test gets its own application and redis-server to kill. */
    public static class OwnRedis implements QuarkusTestProfile {
    }

    static JsonPath decide() {
        return given().contentType(ContentType.JSON).body(Map.of("customerId", "t-outage", "channel", "web", "limit", 3))
                .post("/v1/decisions").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void decisionsDegradeAndRecoverWithoutARestart() throws Exception {
        given().contentType(ContentType.JSON).body(Customers.goldCartAbandoner()).put("/v1/customers/t-outage").then().statusCode(200);
        assertThat(decide().getBoolean("partial")).isFalse();
        RedisServer redis = RedisServerResource.current();

        redis.kill();
        JsonPath degraded = decide();
        assertThat(degraded.getBoolean("partial")).isTrue();
        assertThat(degraded.getList("reasons.code")).contains("context_unavailable");
        assertThat(degraded.getString("ruleSetVersion")).isNotBlank();
        given().contentType(ContentType.JSON).body(Customers.noConsent()).put("/v1/customers/t-other")
                .then().statusCode(503).header("Retry-After", "1").contentType("application/problem+json");
        given().get("/q/health/ready").then().statusCode(503);

        redis.restart();
        given().contentType(ContentType.JSON).body(Customers.goldCartAbandoner()).put("/v1/customers/t-outage");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        JsonPath recovered = decide();
        while (recovered.getBoolean("partial") && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            given().contentType(ContentType.JSON).body(Customers.goldCartAbandoner()).put("/v1/customers/t-outage");
            recovered = decide();
        }
        assertThat(recovered.getBoolean("partial")).isFalse();
        given().get("/q/health/ready").then().statusCode(200);
    }
}
