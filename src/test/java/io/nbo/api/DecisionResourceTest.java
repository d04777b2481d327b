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
}
