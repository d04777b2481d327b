package io.nbo.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.testing.RedisServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** By default the benchmark-only floor does not exist: 404 as for any unknown path, whatever the body. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class BenchmarkDisabledTest {

    @Test
    void theFloorIsAnUnknownPath() {
        var floor = given().contentType(ContentType.JSON).body(Map.of("customerId", "t-floor", "channel", "web"))
                .post("/bench/floor").then().statusCode(404).contentType("application/problem+json").extract().jsonPath();
        var unknown = given().contentType(ContentType.JSON).body(Map.of("customerId", "t-floor", "channel", "web"))
                .post("/bench/nothing-here").then().statusCode(404).contentType("application/problem+json").extract().jsonPath();
        assertThat(floor.getMap("")).isEqualTo(unknown.getMap(""));

        given().contentType(ContentType.JSON).body("{\"channel\": ").post("/bench/floor")
                .then().statusCode(404).contentType("application/problem+json");
    }
}
