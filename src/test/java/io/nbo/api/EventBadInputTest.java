package io.nbo.api;

import static io.nbo.testing.Events.event;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.redis.KeySchema;
import io.nbo.testing.Events;
import io.nbo.testing.RedisProbe;
import io.nbo.testing.RedisServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every kind of bad event is refused with a 400 naming each problem by JSON pointer, and nothing of the request is stored. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class EventBadInputTest {

    static final String C = "t-bad";

    /** Posts, expects a 400 problem, and returns its errors' pointers. */
    static List<String> refused(Object body) {
        JsonPath p = Events.post(body).statusCode(400).contentType("application/problem+json").extract().jsonPath();
        assertThat(p.getString("type")).isEqualTo("https://nbo.dev/problems/invalid-request");
        return p.getList("errors.pointer");
    }

    static Map<String, Object> with(Map<String, Object> event, String field, Object value) {
        Map<String, Object> e = new HashMap<>(event);
        if (value == null) {
            e.remove(field);
        } else {
            e.put(field, value);
        }
        return e;
    }

    static void nothingStoredFor(String customerId) {
        try (RedisProbe probe = RedisProbe.ofApp()) {
            assertThat(probe.redis().exists(KeySchema.keys(customerId))).isZero();
        }
    }

    @Test
    void everyProblemOfASingleEventIsNamed() {
        Map<String, Object> ok = event("x-1", "click", C, "offerId", "offer-a", "channel", "web");

        assertThat(refused(with(ok, "eventId", null))).containsExactly("/eventId");
        assertThat(refused(with(ok, "eventId", "has space"))).containsExactly("/eventId");
        assertThat(refused(with(ok, "customerId", "{p:1}"))).containsExactly("/customerId");
        assertThat(refused(with(ok, "type", "Clicked!"))).containsExactly("/type");
        assertThat(refused(with(ok, "type", 7))).containsExactly("/type");
        assertThat(refused(with(ok, "timestamp", "yesterday"))).containsExactly("/timestamp");
        assertThat(refused(with(ok, "timestamp", Instant.now().plus(10, ChronoUnit.MINUTES).toString()))).containsExactly("/timestamp");
        assertThat(refused(with(ok, "timestamp", Instant.now().minus(31, ChronoUnit.DAYS).toString()))).containsExactly("/timestamp");
        assertThat(refused(with(ok, "channel", "fax"))).containsExactly("/channel");
        assertThat(refused(with(ok, "offerId", "Offer A"))).containsExactly("/offerId");
        assertThat(refused(with(ok, "colour", "red"))).containsExactly("/colour");
        assertThat(refused(with(ok, "amount", 5))).containsExactly("/amount");
        assertThat(refused(with(ok, "attributes", List.of(1)))).containsExactly("/attributes");
        assertThat(refused(with(ok, "attributes", Map.of("bad name", "x", "nested", Map.of("a", 1)))))
                .containsExactlyInAnyOrder("/attributes/bad name", "/attributes/nested");
        assertThat(refused(event("x-2", "click", C))).containsExactly("/decisionId");
        assertThat(refused(event("x-3", "click", C, "offerId", "offer-a"))).containsExactly("/channel");
        assertThat(refused(event("x-4", "conversion", C, "offerId", "offer-a", "channel", "web"))).containsExactly("/amount");
        assertThat(refused(event("x-5", "conversion", C, "offerId", "offer-a", "channel", "web", "amount", -1))).containsExactly("/amount");
        assertThat(refused(event("x-6", "page_view", C, "decisionId", "d-1", "offerId", "offer-a")))
                .containsExactlyInAnyOrder("/decisionId", "/offerId");
        assertThat(refused(event("x-7", "opt_in", C))).containsExactly("/channel");
        assertThat(refused(event("x-8", "cart_add", C, "attributes", Map.of("name", "no sku", "quantity", 0, "price", -2))))
                .containsExactlyInAnyOrder("/attributes/sku", "/attributes/quantity", "/attributes/price");
        assertThat(refused(event("x-9", "cart_remove", C))).containsExactly("/attributes/sku");
        assertThat(refused(event("x-10", "profile_change", C))).containsExactly("/attributes");
        assertThat(refused(event("x-11", "profile_change", C, "attributes", Map.of("prefs", Map.of("a", 1), "9lives", "x"))))
                .containsExactlyInAnyOrder("/attributes/prefs", "/attributes/9lives");
        assertThat(refused(event("x-12", "page_view", C, "attributes", Map.of("note", "x".repeat(1001))))).containsExactly("/attributes/note");
        nothingStoredFor(C);
    }

    @Test
    void oneBadEventRefusesTheWholeBatchAndIsPointedAtByIndex() {
        String c = "t-bad-batch";
        List<Object> batch = new ArrayList<>(List.of(
                event("y-1", "page_view", c),
                event("y-2", "impression", c, "offerId", "offer-a", "channel", "web"),
                event("y-3", "cart_add", c, "attributes", Map.of("sku", "SK-1")),
                event("y-4", "clik", c, "offerId", "offer-a", "channel", "web", "amount", 3),
                "not an event"));

        assertThat(refused(batch)).containsExactly("/3/offerId", "/3/amount", "/4");
        nothingStoredFor(c);
    }

    @Test
    void anOfferEventLeftToAnUnrecordedDecisionIsRefused() {
        String c = "t-bad-decision";
        try (RedisProbe probe = RedisProbe.ofApp()) {
            probe.redis().set(KeySchema.decision(c, "dec-known"), Events.recordedDecision("rs-1", "web", "offer-a", "email"));
        }

        assertThat(refused(List.of(event("z-1", "page_view", c),
                event("z-2", "click", c, "decisionId", "dec-unknown"),
                event("z-3", "click", c, "decisionId", "dec-known", "offerId", "offer-b"),
                event("z-4", "click", c, "decisionId", "dec-known"))))
                .containsExactly("/1/offerId", "/1/channel", "/2/channel");
        try (RedisProbe probe = RedisProbe.ofApp()) {
            assertThat(probe.redis().exists(KeySchema.keys(c)[KeySchema.SEEN], KeySchema.keys(c)[KeySchema.RECENT])).isZero();
        }
    }

    @Test
    void bodiesThatAreNotEventsAreRefused() {
        assertThat(refused(List.of())).containsExactly("/");
        assertThat(refused("\"just text\"")).containsExactly("/");
        List<Object> tooMany = new ArrayList<>();
        for (int i = 0; i <= 1000; i++) {
            tooMany.add(event("w-" + i, "page_view", "t-bad-many"));
        }
        assertThat(refused(tooMany)).containsExactly("/");
        given().contentType(ContentType.JSON).body("[{\"eventId\": ").post("/v1/events").then().statusCode(400)
                .contentType("application/problem+json");
        nothingStoredFor("t-bad-many");
    }

    @Test
    void aBatchOfAThousandEventsFitsTheBodyLimit() throws Exception {
        List<Object> batch = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            batch.add(event("big-" + i, "page_view", "t-big-" + (i % 50), "channel", "web",
                    "attributes", Map.of("category", "outerwear", "page", "/outerwear/rain-jackets/item-" + i, "referrer", "x".repeat(200))));
        }
        String body = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(batch);
        assertThat(body.length()).isGreaterThan(256 * 1024);

        given().contentType(ContentType.JSON).body(body).post("/v1/events").then().statusCode(200)
                .body("applied", org.hamcrest.Matchers.equalTo(1000));
    }
}
