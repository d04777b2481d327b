package io.nbo.api;

import static io.nbo.testing.Api.decide;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nbo.testing.Customers;
import io.nbo.testing.RedisServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class DecisionResourceTest {

    @BeforeEach
    void storeCustomers() {
        given().contentType(ContentType.JSON).body(Customers.goldCartAbandoner()).put("/v1/customers/t-gold").then().statusCode(200);
        given().contentType(ContentType.JSON).body(Customers.noConsent()).put("/v1/customers/t-noconsent").then().statusCode(200);
    }


    @Test
    void aKnownCustomerGetsRankedOffersWithChannelScorePartsAndReasons() {
        JsonPath d = decide(Map.of("customerId", "t-gold", "channel", "web", "placement", "home-hero", "limit", 3));

        assertThat(UUID.fromString(d.getString("decisionId"))).isNotNull();
        assertThat(d.getBoolean("partial")).isFalse();
        assertThat(d.getString("ruleSetVersion")).matches("[0-9a-f]{12}");
        List<Map<String, Object>> offers = d.getList("offers");
        assertThat(offers).isNotEmpty().hasSizeLessThanOrEqualTo(3);
        assertThat(d.getList("offers.channel")).containsOnly("web");
        assertThat(d.getList("offers.rank")).containsExactlyElementsOf(List.of(1, 2, 3).subList(0, offers.size()));
        assertThat(new HashSet<>(d.getList("offers.group"))).hasSize(offers.size());
        for (int i = 0; i < offers.size(); i++) {
            String p = "offers[" + i + "].";
            double product = d.getDouble(p + "scoreParts.propensity") * d.getDouble(p + "scoreParts.value")
                    * d.getDouble(p + "scoreParts.weight") * d.getDouble(p + "scoreParts.contextBoost");
            assertThat(d.getDouble(p + "score")).isCloseTo(product, within(1e-4));
            assertThat(d.getList(p + "rules")).isNotEmpty();
            assertThat(d.getList(p + "why")).isNotEmpty();
            assertThat(d.getString(p + "creative.headline")).isNotBlank();
        }
        List<Double> scores = d.getList("offers.score", Double.class);
        assertThat(scores).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        // 9 clicks of 40 emails beats 1 of 30 web impressions
        assertThat(d.getString("preferredChannel")).isEqualTo("email");
    }

    @Test
    void aCartAbandonerIsOfferedSomethingForTheCart() {
        JsonPath d = decide(Map.of("customerId", "t-gold", "channel", "web", "limit", 5));

        assertThat(d.getList("offers.offerId")).containsAnyOf("free-shipping", "cart-reminder-10");
    }

    @Test
    void theCallCenterCanOfferOnConsentedChannelsOnly() {
        JsonPath d = decide(Map.of("customerId", "t-gold", "channel", "call_center", "limit", 5));

        assertThat(d.getList("offers")).isNotEmpty();
        assertThat(d.getList("offers.channel", String.class)).allMatch(c -> List.of("call_center", "email").contains(c));
    }

    @Test
    void withNoConsentedChannelEveryEligibleOfferIsSuppressedWithTheReason() {
        JsonPath d = decide(Map.of("customerId", "t-noconsent", "channel", "call_center", "limit", 5));

        assertThat(d.getList("offers")).isEmpty();
        assertThat(d.getList("suppressed")).isNotEmpty();
        assertThat(d.getList("suppressed.code", String.class)).allMatch(c -> c.equals("no_consent") || c.equals("not_deliverable") || c.equals("excluded"));
        assertThat(d.getList("suppressed.code")).contains("no_consent");
        assertThat(d.getList("reasons.code")).contains("no_eligible_offer");
    }

    @Test
    void anUnknownCustomerIsDecidedOnTheRequestAloneAndTheAnswerSaysSo() {
        JsonPath d = decide(Map.of("customerId", "never-seen", "channel", "web", "placement", "home-hero", "device", "mobile", "limit", 3));

        assertThat(d.getBoolean("partial")).isTrue();
        assertThat(d.getList("reasons.code")).contains("unknown_customer");
        assertThat(d.getList("offers")).isNotEmpty();
    }

    @Test
    void anAnonymousVisitorNeedsNoCustomerId() {
        JsonPath d = decide(Map.of("channel", "web", "placement", "home-hero"));

        assertThat(d.getList("reasons.code")).contains("anonymous");
        assertThat(d.getList("offers")).hasSize(1);
    }

    @Test
    void theDefaultLimitIsOne() {
        assertThat(decide(Map.of("customerId", "t-gold", "channel", "web")).getList("offers")).hasSize(1);
    }

    @Test
    void aNullOrOddContextValueNeverFailsADecision() {
        java.util.Map<String, Object> withNull = new java.util.HashMap<>();
        withNull.put("campaign", null);
        JsonPath d = decide(Map.of("channel", "web", "context", withNull));
        assertThat(d.getList("offers")).isNotEmpty();

        java.util.Map<String, Object> odd = new java.util.HashMap<>();
        odd.put("nested", Map.of("a", Map.of("b", List.of(1, "two", Map.of()))));
        odd.put("list", List.of(1, 2.5, true, "x"));
        odd.put("long", "x".repeat(200_000));
        odd.put("number", 1e300);
        odd.put("flag", false);
        odd.put("empty", "");
        odd.put("offer", List.of("black-friday-30"));
        odd.put("nullInside", java.util.Arrays.asList(null, Map.of()));
        JsonPath o = decide(Map.of("customerId", "t-gold", "channel", "web", "limit", 3, "context", odd));
        assertThat(o.getList("offers")).isNotEmpty();
        assertThat(o.getList("reasons.code")).doesNotContain("rules_failed");
    }

    @Test
    void aCustomerWithoutAProfileKeepsTheirContactHistory() {
        // a web visitor known by id only (no PUT, no import): the common web case
        Map<String, Object> web = Map.of("customerId", "t-visitor", "channel", "web", "limit", 3);
        JsonPath first = decide(web);
        assertThat(first.getList("reasons.code")).contains("unknown_customer");
        String top = first.getString("offers[0].offerId");

        io.nbo.testing.Events.post(io.nbo.testing.Events.event("visitor-accept-1", "accept", "t-visitor", "offerId", top, "channel", "web",
                "decisionId", first.getString("decisionId"))).statusCode(200);

        JsonPath after = decide(web);
        assertThat(after.getList("offers.offerId")).doesNotContain(top);
        assertThat(after.getString("suppressed.find { it.offerId == '" + top + "' }.policy")).isEqualTo("accepted");
        assertThat(after.getBoolean("partial")).isTrue();
        assertThat(after.getString("reasons.find { it.code == 'unknown_customer' }.message")).contains("contact history");
    }

    @Test
    void storedNullsWrittenBeforeTheyWereRefusedCannotFailADecision() throws Exception {
        // what PUT stored before it refused nulls: a null recent event, a null cart item and an item with a null name
        String[] keys = io.nbo.redis.KeySchema.keys("t-legacy-nulls");
        try (io.nbo.testing.RedisProbe probe = io.nbo.testing.RedisProbe.ofApp()) {
            probe.redis().hset(keys[io.nbo.redis.KeySchema.PROFILE], Map.of("tier", "s:gold", "@updatedAt", "t:2026-11-01T00:00:00Z"));
            probe.redis().set(keys[io.nbo.redis.KeySchema.CART],
                    "{\"items\":[null,{\"sku\":\"SH-1\",\"name\":null,\"category\":null,\"price\":80.0,\"quantity\":1}],\"updatedAt\":null}");
            probe.redis().rpush(keys[io.nbo.redis.KeySchema.RECENT], "null",
                    "{\"type\":\"search\",\"at\":\"2026-11-23T10:00:00Z\",\"attributes\":{}}");
        }

        JsonPath d = decide(Map.of("customerId", "t-legacy-nulls", "channel", "web", "limit", 5));

        assertThat(d.getList("reasons.code")).doesNotContain("rules_failed", "context_unavailable");
        assertThat(d.getList("offers")).isNotEmpty();
        JsonPath stored = given().get("/v1/customers/t-legacy-nulls").then().statusCode(200).extract().jsonPath();
        assertThat(stored.getList("recent")).hasSize(1);
        assertThat(stored.getList("cart.items.sku")).containsExactly("SH-1");
    }
}
