package io.nbo.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.testing.Customers;
import io.nbo.testing.RedisServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Metrics, health and the OpenAPI document, as an operator or integrator sees them. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class OperationsTest {

    @Test
    void decisionsShowUpInTheMetrics() {
        given().contentType(ContentType.JSON).body(Customers.goldCartAbandoner()).put("/v1/customers/t-metrics").then().statusCode(200);
        String offer = given().contentType(ContentType.JSON).body(Map.of("customerId", "t-metrics", "channel", "web"))
                .post("/v1/decisions").then().statusCode(200).extract().jsonPath().getString("offers[0].offerId");
        String version = given().get("/q/health/ready").then().extract().jsonPath()
                .getString("checks.find { it.name == 'rule-set' }.data.version");

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();

        assertThat(metrics)
                .containsPattern("nbo_decision_latency_seconds_bucket\\{.*channel=\"web\".*outcome=\"ok\"")
                .containsPattern("nbo_offers_served_total\\{channel=\"web\",offer=\"" + offer + "\"\\} [1-9]")
                .containsPattern("nbo_rules_fired_total [1-9]")
                .contains("nbo_ruleset_active{version=\"" + version + "\"} 1.0")
                .containsPattern("nbo_ruleset_rules [1-9]")
                .containsPattern("nbo_rules_sessions_discarded_total\\{reason=\"integrity\"\\} ")
                .contains("lettuce_command_completion_seconds");
    }

    @Test
    void readinessReportsRedisAndTheRuleSet() {
        JsonPath h = given().get("/q/health/ready").then().statusCode(200).extract().jsonPath();

        assertThat(h.getString("status")).isEqualTo("UP");
        assertThat(h.getString("checks.find { it.name == 'redis' }.status")).isEqualTo("UP");
        assertThat(h.getString("checks.find { it.name == 'rule-set' }.data.version")).matches("[0-9a-f]{12}");
        assertThat(h.getInt("checks.find { it.name == 'rule-set' }.data.offers")).isGreaterThan(0);
    }

    @Test
    void theOpenApiDocumentDescribesDecisionsWithExamples() {
        String doc = given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();

        assertThat(doc).contains("/v1/decisions").contains("/v1/customers/{id}").contains("call-center top 5").contains("call_center");
    }
}
