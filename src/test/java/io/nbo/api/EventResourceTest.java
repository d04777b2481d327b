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
import io.nbo.testing.RedisServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Events through the API: what each type changes, attribution, idempotency and metrics, against a real Redis. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class EventResourceTest {

    @RegisterExtension
    static final RealRedis redis = RealRedis.ofApp();

    static void putCustomer(String id, Map<String, Object> body) {
        given().contentType(ContentType.JSON).body(body).put("/v1/customers/" + id).then().statusCode(200);
    }

    static JsonPath customer(String id) {
        return given().get("/v1/customers/" + id).then().statusCode(200).extract().jsonPath();
    }

    /** The stream entries of a customer's partition that belong to them. */
    static List<Map<String, String>> stream(String customerId) {
        return redis.sync().xrange(KeySchema.events(customerId), Range.create("-", "+")).stream().map(StreamMessage::getBody)
                .filter(b -> customerId.equals(b.get("customerId"))).toList();
    }

    @Test
    void anEventWithoutATimestampHappenedWhenItWasReceived() {
        String c = "t-ev-no-time";
        Map<String, Object> click = new java.util.HashMap<>(event("nt-1", "click", c, "offerId", "ev-offer-a", "channel", "web"));
        click.remove("timestamp");
        Instant before = Instant.now();

        Events.post(click).statusCode(200).body("applied", org.hamcrest.Matchers.equalTo(1));

        Instant at = Instant.parse(stream(c).get(0).get("timestamp"));
        assertThat(at).isBetween(before.minusMillis(1), Instant.now());
    }

    @Test
    void offerEventsAreAttributedToTheRecordedDecisionAndMoveEveryCounter() {
        String c = "t-ev-offer";
        putCustomer(c, Customers.goldCartAbandoner());
        String[] keys = KeySchema.keys(c);
        redis.sync().set(KeySchema.decision(c, "dec-1"), Events.recordedDecision("rs-v1", "web", "ev-offer-a", "email", "ev-offer-b", "web"));
        redis.sync().zadd(keys[KeySchema.CONTACTS], Instant.now().toEpochMilli(), "pending|ev-offer-a|email|dec-1");

        JsonPath r = Events.post(List.of(
                event("o-1", "impression", c, "decisionId", "dec-1", "offerId", "ev-offer-a"),
                event("o-2", "click", c, "decisionId", "dec-1"),
                event("o-3", "accept", c, "decisionId", "dec-1", "offerId", "ev-offer-a", "channel", "web"),
                event("o-4", "dismiss", c, "decisionId", "dec-1", "offerId", "ev-offer-b"),
                event("o-5", "reject", c, "decisionId", "dec-1", "offerId", "ev-offer-z", "channel", "sms"),
                event("o-6", "conversion", c, "decisionId", "dec-1", "offerId", "ev-offer-a", "amount", 89.5),
                event("o-7", "impression", c, "offerId", "ev-offer-c", "channel", "push")))
                .statusCode(200).extract().jsonPath();

        assertThat(r.getInt("applied")).isEqualTo(7);
        assertThat(r.getInt("duplicates")).isZero();
        assertThat(r.getList("results.status")).containsOnly("applied");
        assertThat(r.getMap("results[0].attribution")).containsEntry("decisionId", "dec-1").containsEntry("offerId", "ev-offer-a")
                .containsEntry("channel", "email").containsEntry("ruleSetVersion", "rs-v1").containsEntry("attributed", true)
                .doesNotContainKey("reason");
        // no offer named: the decision's first offer; a channel named by the event yields to the recorded one
        assertThat(r.getString("results[1].attribution.offerId")).isEqualTo("ev-offer-a");
        assertThat(r.getString("results[2].attribution.channel")).isEqualTo("email");
        assertThat(r.getString("results[3].attribution.channel")).isEqualTo("web");
        assertThat(r.getMap("results[4].attribution")).containsEntry("offerId", "ev-offer-z").containsEntry("channel", "sms")
                .containsEntry("ruleSetVersion", "unknown").containsEntry("attributed", false).containsEntry("reason", "offer_not_in_decision");
        assertThat(r.getMap("results[6].attribution")).containsEntry("ruleSetVersion", "unknown").containsEntry("reason", "no_decision");

        // engagement: the customer had email sent 40, clicks 9
        Map<String, String> engagement = redis.sync().hgetall(keys[KeySchema.ENGAGEMENT]);
        assertThat(engagement).containsEntry("email:sent", "41").containsEntry("email:clicks", "10").containsEntry("email:accepts", "1")
                .containsEntry("email:conversions", "1").containsEntry("web:dismisses", "1").containsEntry("sms:rejects", "1")
                .containsEntry("push:sent", "1");
        assertThat(customer(c).getInt("engagement.email.sent")).isEqualTo(41);

        // contacts: one member per response, the impression's pending contact gone
        List<String> contacts = redis.sync().zrange(keys[KeySchema.CONTACTS], 0, -1);
        assertThat(contacts).contains("impression|ev-offer-a|email|o-1", "click|ev-offer-a|email|o-2", "accept|ev-offer-a|email|o-3",
                "dismiss|ev-offer-b|web|o-4", "reject|ev-offer-z|sms|o-5", "conversion|ev-offer-a|email|o-6",
                "impression|ev-offer-c|push|o-7").doesNotContain("pending|ev-offer-a|email|dec-1");
        assertThat(redis.sync().zscore(keys[KeySchema.CONTACTS], "impression|ev-offer-a|email|o-1")).isBetween(
                (double) Instant.now().minusSeconds(60).toEpochMilli(), (double) Instant.now().toEpochMilli());

        // seen: every id, with the time it was applied
        assertThat(redis.sync().zrange(keys[KeySchema.SEEN], 0, -1)).containsExactlyInAnyOrder("o-1", "o-2", "o-3", "o-4", "o-5", "o-6", "o-7");

        // the stream: every event once, in order, with its attribution
        List<Map<String, String>> stream = stream(c);
        assertThat(stream).extracting(m -> m.get("eventId")).containsExactly("o-1", "o-2", "o-3", "o-4", "o-5", "o-6", "o-7");
        assertThat(stream.get(1)).containsEntry("type", "click").containsEntry("decisionId", "dec-1").containsEntry("offerId", "ev-offer-a")
                .containsEntry("channel", "email").containsEntry("ruleSetVersion", "rs-v1").containsEntry("attributed", "true")
                .containsKey("timestamp");
        assertThat(stream.get(5)).containsEntry("amount", "89.5");
        assertThat(stream.get(4)).containsEntry("attributed", "false").containsEntry("ruleSetVersion", "unknown");
    }

    @Test
    void behaviourEventsChangeTheContextAtOnce() {
        String c = "t-ev-behaviour";
        putCustomer(c, Customers.goldCartAbandoner());
        String before = customer(c).getString("updatedAt");

        Events.post(List.of(
                event("b-1", "page_view", c, "channel", "web", "attributes", Map.of("category", "outerwear", "page", "/outerwear")),
                event("b-2", "cart_add", c, "attributes", Map.of("sku", "SH-104", "quantity", 2)),
                event("b-3", "cart_add", c, "attributes", Map.of("sku", "JK-7", "name", "Rain jacket", "category", "outerwear",
                        "price", 120.0, "quantity", 2)),
                event("b-4", "cart_remove", c, "attributes", Map.of("sku", "JK-7", "quantity", 1)),
                event("b-5", "search", c, "attributes", Map.of("query", "rain boots", "results", 12)),
                event("b-6", "opt_in", c, "channel", "sms"),
                event("b-7", "opt_out", c, "channel", "email"),
                event("b-8", "profile_change", c, "attributes", Map.of("tier", "platinum", "loyaltyPoints", 3100,
                        "birthday", "1990-04-01", "newsletter", false))))
                .statusCode(200);

        JsonPath after = customer(c);
        assertThat(after.getList("recent.type")).startsWith("search", "cart_remove", "cart_add", "cart_add", "page_view", "page_view");
        assertThat(after.getMap("recent[4].attributes")).containsEntry("category", "outerwear").containsEntry("channel", "web");
        assertThat(after.getMap("recent[0].attributes")).containsEntry("query", "rain boots").containsEntry("results", "12");
        assertThat(after.getList("cart.items.sku")).containsExactly("SH-104", "JK-7");
        assertThat(after.getInt("cart.items[0].quantity")).isEqualTo(3);
        assertThat(after.getMap("cart.items[1]")).containsEntry("name", "Rain jacket").containsEntry("category", "outerwear")
                .containsEntry("quantity", 1);
        assertThat(after.getDouble("cart.items[1].price")).isEqualTo(120.0);
        assertThat(Instant.parse(after.getString("cart.updatedAt"))).isAfter(Instant.now().minusSeconds(60));
        assertThat(after.getBoolean("consent.sms")).isTrue();
        assertThat(after.getBoolean("consent.email")).isFalse();
        assertThat(after.getString("profile.tier")).isEqualTo("platinum");
        assertThat(after.getInt("profile.loyaltyPoints")).isEqualTo(3100);
        assertThat(after.getString("profile.birthday")).isEqualTo("1990-04-01");
        assertThat(after.getBoolean("profile.newsletter")).isFalse();
        assertThat(after.getString("profile.firstName")).isEqualTo("Ana");
        assertThat(Instant.parse(after.getString("updatedAt"))).isAfter(Instant.parse(before));
        assertThat(redis.sync().hget(KeySchema.keys(c)[KeySchema.PROFILE], "birthday")).isEqualTo("d:1990-04-01");

        Events.post(List.of(
                event("b-9", "cart_remove", c, "attributes", Map.of("sku", "SH-104")),
                event("b-10", "purchase", c, "amount", 120.0, "attributes", Map.of("orderId", "o-77"))))
                .statusCode(200);

        JsonPath bought = customer(c);
        assertThat(bought.getList("cart.items")).isEmpty();
        assertThat(redis.sync().get(KeySchema.keys(c)[KeySchema.CART])).contains("\"items\":[]");
        assertThat(bought.getString("recent[0].type")).isEqualTo("purchase");
        assertThat(bought.getMap("recent[0].attributes")).containsEntry("amount", "120.0").containsEntry("orderId", "o-77");
        assertThat(stream(c)).extracting(m -> m.get("type")).containsExactly("page_view", "cart_add", "cart_add", "cart_remove", "search",
                "opt_in", "opt_out", "profile_change", "cart_remove", "purchase");
        assertThat(stream(c).get(0)).containsEntry("channel", "web").containsKey("attributes").doesNotContainKey("attributed");
    }

    @Test
    void aCartStartsFromNothingAndTheRecentListIsBounded() {
        String c = "t-ev-newcart";
        putCustomer(c, Customers.noConsent());

        Events.post(List.of(event("n-1", "cart_add", c, "attributes", Map.of("sku", "BT-1", "price", 10)),
                event("n-2", "cart_remove", c, "attributes", Map.of("sku", "BT-1")))).statusCode(200);
        assertThat(customer(c).getList("cart.items")).isEmpty();

        List<Map<String, Object>> views = new java.util.ArrayList<>();
        for (int i = 0; i < 210; i++) {
            views.add(event("n-view-" + i, "page_view", c, "attributes", Map.of("n", i)));
        }
        Events.post(views).statusCode(200);
        assertThat(redis.sync().llen(KeySchema.keys(c)[KeySchema.RECENT])).isEqualTo(200);
        assertThat(redis.sync().lindex(KeySchema.keys(c)[KeySchema.RECENT], 0)).contains("\"n\":\"209\"");
    }

    @Test
    void aRetriedBatchChangesNothing() {
        String c = "t-ev-retry";
        putCustomer(c, Customers.goldCartAbandoner());
        redis.sync().set(KeySchema.decision(c, "dec-r"), Events.recordedDecision("rs-r", "email", "ev-offer-r", "email"));
        List<Map<String, Object>> batch = List.of(
                event("r-1", "impression", c, "decisionId", "dec-r"),
                event("r-2", "click", c, "decisionId", "dec-r"),
                event("r-3", "conversion", c, "decisionId", "dec-r", "amount", 10),
                event("r-4", "cart_add", c, "attributes", Map.of("sku", "SH-104")),
                event("r-5", "page_view", c),
                event("r-6", "opt_in", c, "channel", "push"));
        Events.post(batch).statusCode(200).body("applied", org.hamcrest.Matchers.equalTo(6));
        String[] keys = KeySchema.keys(c);
        Map<String, String> engagement = redis.sync().hgetall(keys[KeySchema.ENGAGEMENT]);
        long contacts = redis.sync().zcard(keys[KeySchema.CONTACTS]);
        List<String> recent = redis.sync().lrange(keys[KeySchema.RECENT], 0, -1);
        String cart = redis.sync().get(keys[KeySchema.CART]);
        int streamed = stream(c).size();
        Map<String, String> report = redis.sync().hgetall(KeySchema.report(KeySchema.partition(c),
                java.time.format.DateTimeFormatter.BASIC_ISO_DATE.format(java.time.LocalDate.now(java.time.ZoneOffset.UTC))));

        JsonPath again = Events.post(batch).statusCode(200).extract().jsonPath();

        assertThat(again.getInt("applied")).isZero();
        assertThat(again.getInt("duplicates")).isEqualTo(6);
        assertThat(again.getList("results.status")).containsOnly("duplicate");
        assertThat(again.getList("results.eventId")).containsExactly("r-1", "r-2", "r-3", "r-4", "r-5", "r-6");
        assertThat(redis.sync().hgetall(keys[KeySchema.ENGAGEMENT])).isEqualTo(engagement);
        assertThat(redis.sync().zcard(keys[KeySchema.CONTACTS])).isEqualTo(contacts);
        assertThat(redis.sync().lrange(keys[KeySchema.RECENT], 0, -1)).isEqualTo(recent);
        assertThat(redis.sync().get(keys[KeySchema.CART])).isEqualTo(cart);
        assertThat(stream(c)).hasSize(streamed);
        assertThat(redis.sync().hgetall(KeySchema.report(KeySchema.partition(c),
                java.time.format.DateTimeFormatter.BASIC_ISO_DATE.format(java.time.LocalDate.now(java.time.ZoneOffset.UTC)))))
                .containsAllEntriesOf(report.entrySet().stream().filter(e -> e.getKey().startsWith("ev-offer-r|"))
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        // the same id twice in one batch: the second is a duplicate
        JsonPath twice = Events.post(List.of(event("r-7", "page_view", c), event("r-7", "page_view", c))).statusCode(200)
                .extract().jsonPath();
        assertThat(twice.getList("results.status")).containsExactly("applied", "duplicate");
    }

    @Test
    void aSingleEventObjectGetsTheSameAnswer() {
        String c = "t-ev-single";
        putCustomer(c, Customers.noConsent());

        JsonPath r = Events.post(event("s-1", "page_view", c)).statusCode(200).extract().jsonPath();

        assertThat(r.getInt("applied")).isEqualTo(1);
        assertThat(r.getString("results[0].eventId")).isEqualTo("s-1");
        assertThat(r.getString("results[0].status")).isEqualTo("applied");
        assertThat(r.getMap("results[0]")).doesNotContainKey("attribution");
    }

    @Test
    void theOpenApiDocumentDescribesEventsAndTheReportWithExamples() {
        String doc = given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();

        assertThat(doc).contains("/v1/events").contains("/v1/reports/offers").contains("an impression and a click")
                .contains("profile_change").contains("conversionRate");
    }

    @Test
    void eventsAreCountedInTheMetrics() {
        String c = "t-ev-metrics";
        Events.post(List.of(event("m-1", "click", c, "offerId", "ev-offer-m", "channel", "web"), event("m-2", "wishlist_add", c)))
                .statusCode(200);
        Events.post(event("m-1", "click", c, "offerId", "ev-offer-m", "channel", "web")).statusCode(200);
        Events.post(event("m-3", "click", c)).statusCode(400);

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();

        assertThat(metrics)
                .containsPattern("nbo_events_total\\{result=\"applied\",type=\"click\"\\} [1-9]")
                .containsPattern("nbo_events_total\\{result=\"applied\",type=\"other\"\\} [1-9]")
                .containsPattern("nbo_events_total\\{result=\"duplicate\",type=\"click\"\\} [1-9]")
                .containsPattern("nbo_events_total\\{result=\"invalid\",type=\"click\"\\} [1-9]");
    }
}
