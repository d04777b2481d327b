package io.nbo.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.redis.KeySchema;
import io.nbo.testing.AccessControlOn;
import io.nbo.testing.CapturedLogs;
import io.nbo.testing.Customers;
import io.nbo.testing.RedisProbe;
import io.nbo.testing.RedisServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the service logs while it serves a customer (decisions, events, PUT, GET, DELETE), refuses
 * bad input and keys, and fails on corrupt stored data: never the customer's id, a profile value
 * or an API key.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@TestProfile(AccessControlOn.class)
class NoPersonalDataInLogsTest {

    // Letters and digits only, so a JSON parser's message would quote it whole.
    static final String ID = "PrivacyProbe7f3a9c";
    static final String PROFILE_VALUE = "Zebulon";

    static io.restassured.specification.RequestSpecification as(String key) {
        return given().header("X-API-Key", key);
    }

    @Test
    void nothingPersonalIsLoggedWhileServingRefusingAndFailing() {
        Map<String, Object> customer = new java.util.HashMap<>(Customers.goldCartAbandoner());
        @SuppressWarnings("unchecked")
        Map<String, Object> profile = new java.util.HashMap<>((Map<String, Object>) customer.get("profile"));
        profile.put("firstName", PROFILE_VALUE);
        customer.put("profile", profile);
        String now = Instant.now().toString();
        try (CapturedLogs logs = CapturedLogs.start()) {
            as(AccessControlOn.ADMIN_KEY).contentType(ContentType.JSON).body(customer).put("/v1/customers/" + ID).then().statusCode(200);
            String decision = as(AccessControlOn.CHANNEL_KEY).contentType(ContentType.JSON)
                    .body(Map.of("customerId", ID, "channel", "web", "limit", 3)).post("/v1/decisions")
                    .then().statusCode(200).extract().jsonPath().getString("decisionId");
            as(AccessControlOn.CHANNEL_KEY).contentType(ContentType.JSON)
                    .body(List.of(Map.of("eventId", "ev-privacy-1", "type", "impression", "customerId", ID, "timestamp", now, "decisionId", decision),
                            Map.of("eventId", "ev-privacy-2", "type", "profile_change", "customerId", ID, "timestamp", now,
                                    "attributes", Map.of("nickname", PROFILE_VALUE))))
                    .post("/v1/events").then().statusCode(200);
            as(AccessControlOn.ADMIN_KEY).get("/v1/customers/" + ID).then().statusCode(200);

            // refused: bad input naming the customer, wrong and unknown keys
            as(AccessControlOn.CHANNEL_KEY).contentType(ContentType.JSON).body(Map.of("customerId", ID, "channel", "web", "limit", 99))
                    .post("/v1/decisions").then().statusCode(400);
            as(AccessControlOn.CHANNEL_KEY).contentType(ContentType.JSON).body("{\"customerId\": \"" + ID + "\", \"channel\": ")
                    .post("/v1/decisions").then().statusCode(400);
            as(AccessControlOn.CHANNEL_KEY).contentType(ContentType.JSON)
                    .body(Map.of("eventId", "ev-privacy-3", "type", "Bad Type", "customerId", ID, "timestamp", now)).post("/v1/events")
                    .then().statusCode(400);
            as(AccessControlOn.ADMIN_KEY).contentType(ContentType.JSON).body(Map.of("profile", Map.of("x", Map.of("nested", PROFILE_VALUE))))
                    .put("/v1/customers/" + ID).then().statusCode(400);
            as(AccessControlOn.UNKNOWN_KEY).get("/v1/customers/" + ID).then().statusCode(401);
            as(AccessControlOn.CHANNEL_KEY).get("/v1/customers/" + ID).then().statusCode(403);

            // failing: stored data that does not decode, quoting the id and a profile value
            try (RedisProbe probe = RedisProbe.ofApp()) {
                probe.redis().set(KeySchema.keys(ID)[KeySchema.CART], ID + PROFILE_VALUE);
            }
            as(AccessControlOn.ADMIN_KEY).get("/v1/customers/" + ID).then().statusCode(500);
            as(AccessControlOn.CHANNEL_KEY).contentType(ContentType.JSON).body(Map.of("customerId", ID, "channel", "web"))
                    .post("/v1/decisions").then().statusCode(200);

            as(AccessControlOn.ADMIN_KEY).delete("/v1/customers/" + ID).then().statusCode(200);

            String all = logs.all();
            assertThat(logs.lines()).as("something was logged (the failures and the audit), so the capture works").isNotEmpty();
            assertThat(all).doesNotContain(ID).doesNotContain(PROFILE_VALUE)
                    .doesNotContain(AccessControlOn.CHANNEL_KEY).doesNotContain(AccessControlOn.ADMIN_KEY)
                    .doesNotContain(AccessControlOn.UNKNOWN_KEY);
            assertThat(all).contains("unexpected error");
        }
    }
}
