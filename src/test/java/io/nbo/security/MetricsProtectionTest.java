package io.nbo.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.testing.AccessControlOn;
import io.nbo.testing.RedisServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With nbo.security.protect-metrics, /q/metrics needs a key with the role metrics or admin; the probes stay open. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@TestProfile(MetricsProtectionTest.Protected.class)
class MetricsProtectionTest {

    /** Access control on, metrics protected. */
    public static class Protected implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(new AccessControlOn().getConfigOverrides());
            config.put("nbo.security.protect-metrics", "true");
            return config;
        }
    }

    @Test
    void metricsNeedAMetricsOrAdminKey() {
        Response without = given().get("/q/metrics");
        assertThat(without.statusCode()).isEqualTo(401);
        assertThat(without.header("WWW-Authenticate")).isEqualTo("ApiKey header=\"X-API-Key\"");
        assertThat(without.contentType()).startsWith("application/problem+json");
        assertThat(without.jsonPath().getInt("status")).isEqualTo(401);

        assertThat(given().header("X-API-Key", AccessControlOn.UNKNOWN_KEY).get("/q/metrics").statusCode()).isEqualTo(401);
        assertThat(given().header("X-API-Key", AccessControlOn.CHANNEL_KEY).get("/q/metrics").statusCode()).isEqualTo(403);
        assertThat(given().header("X-API-Key", AccessControlOn.METRICS_KEY).get("/q/metrics").then().statusCode(200)
                .extract().asString()).contains("nbo_ruleset_rules");
        given().header("X-API-Key", AccessControlOn.ADMIN_KEY).get("/q/metrics").then().statusCode(200);
    }

    @Test
    void probesStayOpen() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
    }
}
