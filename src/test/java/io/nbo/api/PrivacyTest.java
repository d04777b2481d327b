package io.nbo.api;

import static io.nbo.testing.Events.event;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import io.nbo.redis.KeySchema;
import io.nbo.testing.Customers;
import io.nbo.testing.Events;
import io.nbo.testing.RealRedis;
import io.nbo.testing.RedisServer;
import io.nbo.testing.RedisServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Erasure and export of one customer's data against a real Redis: every kind of key, the recorded
 * decisions and the stream entries go; a neighbour in the same partition and the report counters stay.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@TestProfile(PrivacyTest.OwnRedis.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrivacyTest {

    /** A profile of its own: the last test kills this application's redis-server. */
    public static class OwnRedis implements QuarkusTestProfile {
    }

    static final String ERASED = "t-priv-a";
    /** A customer in the same partition as {@link #ERASED}. */
    static final String NEIGHBOUR = IntStream.range(0, 1_000_000).mapToObj(i -> "t-priv-b-" + i)
            .filter(id -> KeySchema.partition(id) == KeySchema.partition(ERASED)).findFirst().orElseThrow();

    @RegisterExtension
    static final RealRedis redis = RealRedis.ofApp();

    /**
     * Stores the customer, makes two decisions that serve an offer each, and reports both shown: every kind of data
     * exists, and the impressions dropped the decisions' pending contacts, so only the decision index names both.
     */
    static List<String> customerWithHistory(String id, String events) {
        given().contentType(ContentType.JSON).body(Customers.goldCartAbandoner()).put("/v1/customers/" + id).then().statusCode(200);
        List<String> decisions = new ArrayList<>();
        List<String> offers = new ArrayList<>();
        for (String channel : List.of("web", "call_center")) {
            JsonPath d = given().contentType(ContentType.JSON).body(Map.of("customerId", id, "channel", channel, "limit", 1))
                    .post("/v1/decisions").then().statusCode(200).extract().jsonPath();
            assertThat(d.getList("offers")).as("a decision for %s on %s serves an offer", id, channel).hasSize(1);
            decisions.add(d.getString("decisionId"));
            offers.add(d.getString("offers[0].offerId"));
        }
        Events.post(List.of(
                event(events + "-1", "impression", id, "decisionId", decisions.get(0), "offerId", offers.get(0)),
                event(events + "-2", "accept", id, "decisionId", decisions.get(0), "offerId", offers.get(0)),
                event(events + "-3", "page_view", id, "channel", "web", "attributes", Map.of("page", "/outerwear")),
                event(events + "-4", "cart_add", id, "attributes", Map.of("sku", "JK-7", "name", "Rain jacket", "price", 120.0)),
                event(events + "-5", "opt_in", id, "channel", "sms"),
                event(events + "-6", "profile_change", id, "attributes", Map.of("tier", "platinum")),
                event(events + "-7", "impression", id, "decisionId", decisions.get(1), "offerId", offers.get(1))))
                .statusCode(200);
        return decisions;
    }

    static List<Map<String, String>> streamOf(String customerId) {
        return redis.sync().xrange(KeySchema.events(customerId), Range.create("-", "+")).stream().map(StreamMessage::getBody)
                .filter(b -> customerId.equals(b.get("customerId"))).toList();
    }

    /** Every key of a customer and every decision, each with its serialized value (DUMP), to compare before and after. */
    static Map<String, String> snapshot(String customerId, List<String> decisions) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>(Arrays.asList(KeySchema.personalKeys(customerId)));
        decisions.forEach(d -> keys.add(KeySchema.decision(customerId, d)));
        for (String key : keys) {
            byte[] dump = redis.sync().dump(key);
            values.put(key, dump == null ? null : java.util.HexFormat.of().formatHex(dump));
        }
        return values;
    }

    static Map<String, Map<String, String>> reports() {
        Map<String, Map<String, String>> reports = new LinkedHashMap<>();
        for (String key : redis.sync().keys(KeySchema.partitionPrefix(KeySchema.partition(ERASED)) + "report:*")) {
            reports.put(key, redis.sync().hgetall(key));
        }
        return reports;
    }

    @Test
    @Order(1)
    void exportHoldsEveryKindOfDataAndDeleteErasesItAllButLeavesTheNeighbour() {
        assertThat(KeySchema.partition(NEIGHBOUR)).isEqualTo(KeySchema.partition(ERASED));
        List<String> decisions = customerWithHistory(ERASED, "priv-a");
        List<String> neighbourDecisions = customerWithHistory(NEIGHBOUR, "priv-b");
        for (String key : KeySchema.personalKeys(ERASED)) {
            assertThat(redis.sync().exists(key)).as(key).isEqualTo(1);
        }
        decisions.forEach(d -> assertThat(redis.sync().exists(KeySchema.decision(ERASED, d))).isEqualTo(1));
        assertThat(streamOf(ERASED)).hasSize(7);
        assertThat(redis.sync().zrange(KeySchema.keys(ERASED)[KeySchema.CONTACTS], 0, -1)).noneMatch(m -> m.startsWith("pending|"));

        ExtractableResponse<Response> exported = given().get("/v1/customers/" + ERASED + "/export").then().statusCode(200)
                .contentType(ContentType.JSON).extract();
        assertThat(exported.header("Content-Disposition")).startsWith("attachment").contains("customer-" + ERASED + ".json");
        JsonPath e = exported.jsonPath();
        assertThat(e.getString("customerId")).isEqualTo(ERASED);
        assertThat(e.getString("profile.tier")).isEqualTo("platinum");
        assertThat(e.getString("updatedAt")).isNotBlank();
        assertThat(e.getBoolean("consent.sms")).isTrue();
        assertThat(e.getInt("engagement.email.opens")).isEqualTo(18);
        assertThat(e.getList("cart.items.sku")).contains("SH-104", "JK-7");
        assertThat(e.getList("recent.type")).contains("page_view", "cart_add");
        assertThat(e.getList("contacts.kind")).contains("impression", "accept");
        assertThat(e.getList("appliedEvents.eventId")).containsExactlyInAnyOrder("priv-a-1", "priv-a-2", "priv-a-3", "priv-a-4",
                "priv-a-5", "priv-a-6", "priv-a-7");
        assertThat(e.getString("journey.offerId")).isNotBlank();
        assertThat(e.getList("decisions.decisionId")).containsExactlyInAnyOrderElementsOf(decisions);
        assertThat(e.getList("decisions.record.o")).allSatisfy(offers -> assertThat((List<?>) offers).isNotEmpty());
        assertThat(e.getList("events.eventId")).containsExactly("priv-a-1", "priv-a-2", "priv-a-3", "priv-a-4", "priv-a-5", "priv-a-6",
                "priv-a-7");
        assertThat(e.getList("events.customerId")).containsOnly(ERASED);
        assertThat(e.getList("events.streamId")).allSatisfy(id -> assertThat((String) id).matches("\\d+-\\d+"));

        Map<String, String> neighbourBefore = snapshot(NEIGHBOUR, neighbourDecisions);
        List<Map<String, String>> neighbourStream = streamOf(NEIGHBOUR);
        Map<String, Map<String, String>> reportsBefore = reports();
        assertThat(reportsBefore).isNotEmpty();

        JsonPath erased = given().delete("/v1/customers/" + ERASED).then().statusCode(200).extract().jsonPath();

        assertThat(erased.getList("keys")).containsExactlyElementsOf(KeySchema.PERSONAL_KEY_NAMES);
        assertThat(erased.getInt("decisions")).isEqualTo(decisions.size());
        assertThat(erased.getInt("streamEvents")).isEqualTo(7);
        assertThat(redis.sync().keys("*" + ERASED + "*")).isEmpty();
        decisions.forEach(d -> assertThat(redis.sync().exists(KeySchema.decision(ERASED, d))).isZero());
        assertThat(streamOf(ERASED)).isEmpty();
        assertThat(snapshot(NEIGHBOUR, neighbourDecisions)).isEqualTo(neighbourBefore).doesNotContainValue(null);
        assertThat(streamOf(NEIGHBOUR)).isEqualTo(neighbourStream).hasSize(7);
        assertThat(reports()).isEqualTo(reportsBefore);
        given().get("/v1/customers/" + NEIGHBOUR).then().statusCode(200);

        given().delete("/v1/customers/" + ERASED).then().statusCode(404).contentType(Problem.MEDIA_TYPE);
        given().get("/v1/customers/" + ERASED + "/export").then().statusCode(404).contentType(Problem.MEDIA_TYPE);
        given().get("/v1/customers/" + ERASED).then().statusCode(404);
    }

    @Test
    @Order(2)
    void streamEntriesOnManyPagesAreFoundAndAnErasureLeftHalfDoneIsFinishedByTheNextDelete() {
        // What a deletion that failed after the keys (or one by an older nbo) leaves: only entries in the stream,
        // here among 1,200 of other customers, so they lie on several pages.
        String c = "t-priv-pages";
        String stream = KeySchema.events(c);
        for (int i = 0; i < 1_200; i++) {
            boolean mine = i % 500 == 7;
            redis.sync().xadd(stream, Map.of("eventId", "pg-" + i, "type", "page_view", "customerId", mine ? c : c + "-other-" + i,
                    "timestamp", Instant.now().toString()));
        }
        assertThat(streamOf(c)).hasSize(3);

        JsonPath e = given().get("/v1/customers/" + c + "/export").then().statusCode(200).extract().jsonPath();
        assertThat(e.getList("events.eventId")).containsExactly("pg-7", "pg-507", "pg-1007");
        assertThat(e.getMap("profile")).isEmpty();
        assertThat(e.getList("decisions")).isEmpty();

        JsonPath erased = given().delete("/v1/customers/" + c).then().statusCode(200).extract().jsonPath();
        assertThat(erased.getList("keys")).isEmpty();
        assertThat(erased.getInt("streamEvents")).isEqualTo(3);
        assertThat(streamOf(c)).isEmpty();
        assertThat(redis.sync().xlen(stream)).isGreaterThanOrEqualTo(1_197);
        given().delete("/v1/customers/" + c).then().statusCode(404);
    }

    @Test
    @Order(3)
    void anInvalidIdIsABadRequest() {
        String tooLong = "x".repeat(129);
        given().delete("/v1/customers/" + tooLong).then().statusCode(400).contentType(Problem.MEDIA_TYPE);
        given().get("/v1/customers/" + tooLong + "/export").then().statusCode(400).contentType(Problem.MEDIA_TYPE);
    }

    @Test
    @Order(4)
    void withRedisDownDeleteAndExportAnswer503ToRetry() throws Exception {
        given().contentType(ContentType.JSON).body(Customers.noConsent()).put("/v1/customers/t-priv-down").then().statusCode(200);
        RedisServer server = redis.server();
        server.kill();
        try {
            given().delete("/v1/customers/t-priv-down").then().statusCode(503).header("Retry-After", "1")
                    .contentType(Problem.MEDIA_TYPE);
            given().get("/v1/customers/t-priv-down/export").then().statusCode(503).header("Retry-After", "1")
                    .contentType(Problem.MEDIA_TYPE);
        } finally {
            server.restart();
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        int status = 0;
        while (status != 200 && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            status = given().contentType(ContentType.JSON).body(Customers.noConsent()).put("/v1/customers/t-priv-down").statusCode();
        }
        assertThat(status).isEqualTo(200);
        given().delete("/v1/customers/t-priv-down").then().statusCode(200);
    }
}
