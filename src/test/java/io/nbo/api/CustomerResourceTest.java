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

@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class CustomerResourceTest {

    @Test
    void putThenGetGivesTheCustomerBackWithTypes() {
        given().contentType(ContentType.JSON).body(Customers.goldCartAbandoner()).put("/v1/customers/t-round").then().statusCode(200);

        JsonPath c = given().get("/v1/customers/t-round").then().statusCode(200).extract().jsonPath();

        assertThat(c.getString("id")).isEqualTo("t-round");
        assertThat(c.getString("profile.tier")).isEqualTo("gold");
        assertThat(c.getInt("profile.loyaltyPoints")).isEqualTo(2400);
        assertThat(c.getDouble("profile.lifetimeValue")).isEqualTo(1840.5);
        assertThat(c.getBoolean("profile.appInstalled")).isTrue();
        assertThat(c.getString("profile.signupDate")).isEqualTo("2023-02-01");
        assertThat(c.getBoolean("consent.email")).isTrue();
        assertThat(c.getInt("engagement.email.clicks")).isEqualTo(9);
        assertThat(c.getString("cart.items[0].sku")).isEqualTo("SH-104");
        assertThat(c.getString("recent[0].type")).isEqualTo("page_view");
        assertThat(c.getString("updatedAt")).isNotBlank();
    }

    @Test
    void deleteRemovesTheCustomer() {
        given().contentType(ContentType.JSON).body(Customers.noConsent()).put("/v1/customers/t-del").then().statusCode(200);

        given().delete("/v1/customers/t-del").then().statusCode(200);

        given().get("/v1/customers/t-del").then().statusCode(404).contentType("application/problem+json");
        given().delete("/v1/customers/t-del").then().statusCode(404);
    }

    @Test
    void nullsAreRefusedWholeWithAPointerAndNothingChanges() {
        given().contentType(ContentType.JSON).body(Customers.goldCartAbandoner()).put("/v1/customers/t-nulls").then().statusCode(200);
        String cartItem = "{\"sku\": \"SH-1\", \"name\": \"Scarf\", \"price\": 20.0}";
        Map<String, String> bodies = Map.of(
                "/recent/0", "{\"recent\": [null]}",
                "/cart/items/0/name", "{\"cart\": {\"items\": [{\"sku\": \"SH-1\", \"name\": null}], \"updatedAt\": \"2026-11-23T09:00:00Z\"}}",
                "/cart/items/0/price", "{\"cart\": {\"items\": [{\"sku\": \"SH-1\", \"price\": null}], \"updatedAt\": \"2026-11-23T09:00:00Z\"}}",
                "/cart/items/1", "{\"cart\": {\"items\": [" + cartItem + ", null], \"updatedAt\": \"2026-11-23T09:00:00Z\"}}",
                "/cart/updatedAt", "{\"cart\": {\"items\": [" + cartItem + "]}}",
                "/recent/0/at", "{\"recent\": [{\"type\": \"search\", \"at\": null}]}");

        bodies.forEach((pointer, body) -> {
            var r = given().contentType(ContentType.JSON).body(body).put("/v1/customers/t-nulls")
                    .then().statusCode(400).contentType("application/problem+json").extract();
            assertThat(r.jsonPath().getList("errors.pointer")).as(body).containsExactly(pointer);
            assertThat(r.asString()).as(body).doesNotContain("Exception").doesNotContain("io.nbo").doesNotContain("`");
        });

        JsonPath c = given().get("/v1/customers/t-nulls").then().statusCode(200).extract().jsonPath();
        assertThat(c.getString("profile.tier")).isEqualTo("gold");
        assertThat(c.getString("cart.items[0].sku")).isEqualTo("SH-104");
        // left out is fine: an item without a name or category is stored without them, not as null
        given().contentType(ContentType.JSON).body("{\"cart\": {\"items\": [{\"sku\": \"SH-1\"}], \"updatedAt\": \"2026-11-23T09:00:00Z\"}}")
                .put("/v1/customers/t-nulls").then().statusCode(200);
        assertThat(given().get("/v1/customers/t-nulls").then().statusCode(200).extract().asString()).doesNotContain(":null");
    }
}
