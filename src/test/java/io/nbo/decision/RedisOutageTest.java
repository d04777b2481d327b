package io.nbo.decision;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.testing.Api;
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

/**
 * When Redis goes away, decisions still answer (degraded, the fallback offer, saying why), the
 * circuit breaker opens so calls stop waiting for a dead Redis, writes get a retryable 503, and it
 * all recovers without a restart. This replica is configured to leave its load balancer while
 * degraded ({@code nbo.health.ready-when-degraded=false}); {@code RedisFaultTest} runs the default.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@TestProfile(RedisOutageTest.OwnRedis.class)
class RedisOutageTest {

    /** A profile of its own, so this test gets its own application and redis-server to kill. */
    public static class OwnRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("nbo.health.ready-when-degraded", "false", "nbo.redis.breaker.minimum-calls", "10",
                    "nbo.redis.breaker.probes", "2",
                    // A test sends a few calls a second, not thousands: give the failure rate a longer window.
                    "nbo.redis.breaker.window", "30s");
        }
    }

    static JsonPath decide(String customerId) {
        return Api.decide(Map.of("customerId", customerId, "channel", "web", "limit", 3));
    }

    static String breakerState() {
        return given().get("/q/health").then().extract().jsonPath()
                .getString("checks.find { it.name == 'redis' }.data.circuitBreaker");
    }

    @Test
    void decisionsDegradeToTheFallbackOfferAndRecoverWithoutARestart() throws Exception {
        Api.store("t-outage");
        JsonPath healthy = decide("t-outage");
        assertThat(healthy.getBoolean("partial")).isFalse();
        assertThat(healthy.getBoolean("degraded")).isFalse();
        assertThat(healthy.getList("offers.offerId")).isNotEmpty().doesNotContain("bestsellers-discovery");
        assertThat(breakerState()).isEqualTo("CLOSED");
        RedisServer redis = RedisServerResource.current();

        redis.kill();
        JsonPath degraded = decide("t-outage");
        assertThat(degraded.getBoolean("partial")).isTrue();
        assertThat(degraded.getBoolean("degraded")).isTrue();
        assertThat(degraded.getList("reasons.code")).contains("context_unavailable", "fallback_offer");
        assertThat(degraded.getString("ruleSetVersion")).isNotBlank();
        // Every demo offer is capped, so with the caps unknowable only the fallback is served.
        assertThat(degraded.getList("offers.offerId")).containsExactly("bestsellers-discovery");
        assertThat(degraded.getString("offers[0].channel")).isEqualTo("web");
        given().contentType(ContentType.JSON).body(Customers.noConsent()).put("/v1/customers/t-other")
                .then().statusCode(503).header("Retry-After", "1").contentType("application/problem+json");
        given().get("/q/health/ready").then().statusCode(503);

        // Failures past the threshold open the breaker: Redis is no longer called at all.
        for (int i = 0; i < 12; i++) {
            decide("t-outage-" + i);
        }
        assertThat(breakerState()).isEqualTo("OPEN");
        assertThat(given().get("/q/metrics").then().extract().asString())
                .containsPattern("resilience4j_circuitbreaker_state\\{name=\"redis\",state=\"open\"\\} 1\\.0")
                .containsPattern("nbo_decision_latency_seconds_count\\{channel=\"web\",outcome=\"degraded\"\\} [1-9]");
        String refused = given().contentType(ContentType.JSON).body(Customers.noConsent()).put("/v1/customers/t-other")
                .then().statusCode(503).header("Retry-After", "1").extract().asString();
        assertThat(refused).contains("unavailable");

        redis.restart();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        int status = 0;
        while (status != 200 && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            status = given().contentType(ContentType.JSON).body(Customers.goldCartAbandoner()).put("/v1/customers/t-outage").statusCode();
        }
        assertThat(status).as("the customer store takes writes again").isEqualTo(200);
        JsonPath recovered = decide("t-outage");
        while (recovered.getBoolean("partial") && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            recovered = decide("t-outage");
        }
        assertThat(recovered.getBoolean("partial")).isFalse();
        assertThat(recovered.getBoolean("degraded")).isFalse();
        assertThat(recovered.getList("offers.offerId")).doesNotContain("bestsellers-discovery");
        assertThat(breakerState()).isEqualTo("CLOSED");
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void aHangingRedisCostsADecisionAtMostItsTimeoutThenNothing() throws Exception {
        Api.store("t-hang");
        RedisServer redis = RedisServerResource.current();
        redis.freeze();
        try {
            JsonPath first = decide("t-hang");
            assertThat(first.getBoolean("degraded")).isTrue();
            assertThat(first.getList("reasons.code")).contains("context_unavailable");
            // Each of these waits out the 250 ms command timeout, until enough have failed in the window.
            for (int i = 0; i < 12; i++) {
                decide("t-hang");
            }
            assertThat(breakerState()).as("timeouts open the breaker like errors do").isEqualTo("OPEN");
            // Open, a decision no longer waits for the command timeout, and still serves the fallback.
            JsonPath fast = decide("t-hang");
            assertThat(fast.getList("offers.offerId")).containsExactly("bestsellers-discovery");
        } finally {
            redis.thaw();
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        JsonPath recovered = decide("t-hang");
        while (recovered.getBoolean("degraded") && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            recovered = decide("t-hang");
        }
        assertThat(recovered.getBoolean("degraded")).isFalse();
    }
}
