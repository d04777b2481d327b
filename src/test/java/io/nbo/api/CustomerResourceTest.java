package io.nbo.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.testing.Customers;
import io.nbo.testing.RedisServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
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
}
