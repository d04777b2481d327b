package io.nbo.testing;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.Map;

/** The calls API tests make again and again, in one place. */
public final class Api {

    private Api() {
    }

    /** Stores {@link Customers#goldCartAbandoner()} under {@code id}. */
    public static void store(String id) {
        given().contentType(ContentType.JSON).body(Customers.goldCartAbandoner()).put("/v1/customers/" + id).then().statusCode(200);
    }

    /** A decision that must answer 200, as JSON. */
    public static JsonPath decide(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post("/v1/decisions").then().statusCode(200).contentType(ContentType.JSON)
                .extract().jsonPath();
    }
}
