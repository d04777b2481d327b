package io.nbo.policy;

import static io.nbo.testing.Api.decide;
import static io.nbo.testing.Api.store;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nbo.redis.KeySchema;
import io.nbo.redis.RedisConnection;
import io.nbo.testing.CouponRules;
import io.nbo.testing.Customers;
import io.nbo.testing.RealRedis;
import io.nbo.testing.RedisServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contact policies of rules/policies.yaml hold on real decisions against a real Redis, also under concurrency. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@TestProfile(ContactPolicyTest.PolicyRules.class)
class ContactPolicyTest {

    /** The demo rules, plus an offer that only the request {@code test: global} makes eligible, with a global cap of 2. */
    public static class PolicyRules extends CouponRules {
        public PolicyRules() {
            super("rules-policy-test");
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final RealRedis redis = RealRedis.ofApp();


    static <T> List<T> concurrently(int n, Callable<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    static List<String> contacts(String customerId) throws Exception {
        return redis.sync().zrange(KeySchema.keys(customerId)[KeySchema.CONTACTS], 0, -1);
    }

    @Test
    void fiftySimultaneousDecisionsForOneCustomerNeverServeAnOfferPastItsCap() throws Exception {
        store("cap-1");

        List<JsonPath> answers = concurrently(50, () -> decide(Map.of("customerId", "cap-1", "channel", "web", "limit", 1)));

        Map<String, Long> served = answers.stream().flatMap(a -> a.getList("offers.offerId", String.class).stream())
                .collect(Collectors.groupingBy(o -> o, TreeMap::new, Collectors.counting()));
        // offer-3-per-week: at most 3 servings of an offer (pending their impressions) in 7 days
        assertThat(served).isNotEmpty().allSatisfy((offer, n) -> assertThat(n).as(offer).isLessThanOrEqualTo(3));
        Map<String, Long> stored = contacts("cap-1").stream().map(m -> m.split("\\|")[1])
                .collect(Collectors.groupingBy(o -> o, TreeMap::new, Collectors.counting()));
        assertThat(stored).isEqualTo(served);
        // the best offers went three times each, then were capped, and the answers say so
        String best = served.entrySet().stream().filter(e -> e.getValue() == 3).map(Map.Entry::getKey).findFirst().orElseThrow();
        JsonPath later = decide(Map.of("customerId", "cap-1", "channel", "web", "limit", 1));
        assertThat(later.getList("suppressed.findAll { it.code == 'capped' }.policy", String.class)).contains("offer-3-per-week");
        // three servings and no impression reported: the sentence says what held the places
        assertThat(later.getString("suppressed.find { it.offerId == '" + best + "' }.message"))
                .isEqualTo("capped: 3 servings or impressions of this offer in 7 days (at most 3; 3 of them were served and not yet reported shown)");
        // and so do the decisions the commit stopped, which counted the servings in the script
        assertThat(answers.stream().flatMap(a -> a.getList("suppressed.findAll { it.policy == 'offer-3-per-week' }.message", String.class).stream()))
                .isNotEmpty().allMatch(m -> m.startsWith("capped: 3 servings or impressions of this offer in 7 days (at most 3; ")
                        && m.endsWith("served and not yet reported shown)"));

        // and the metrics count the checks and the suppressions by policy
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .containsPattern("nbo_policy_cap_checks_total\\{result=\"passed\"\\} [1-9]")
                .containsPattern("nbo_policy_suppressions_total\\{code=\"capped\",policy=\"offer-3-per-week\"\\} [1-9]");
    }

    @Test
    void anAcceptOnAnyChannelSuppressesThatOfferOnAllChannels() throws Exception {
        store("accept-1");
        String top = decide(Map.of("customerId", "accept-1", "channel", "web")).getString("offers[0].offerId");
        io.nbo.testing.Events.post(io.nbo.testing.Events.event("accept-evt-1", "accept", "accept-1", "offerId", top, "channel", "web"))
                .statusCode(200);

        for (String channel : List.of("web", "call_center", "app")) {
            JsonPath after = decide(Map.of("customerId", "accept-1", "channel", channel, "limit", 5));
            assertThat(after.getList("offers.offerId")).as(channel).doesNotContain(top);
            assertThat(after.getString("suppressed.find { it.offerId == '" + top + "' }.policy")).as(channel).isEqualTo("accepted");
            assertThat(after.getString("suppressed.find { it.offerId == '" + top + "' }.message")).startsWith("suppressed: accepted on web");
        }
    }

    @Test
    void theTopOfferFollowsTheCustomerAcrossChannelsUntilTheyRespond() throws Exception {
        store("journey-1");
        store("journey-control");
        String callCenterAlone = decide(Map.of("customerId", "journey-control", "channel", "call_center")).getString("offers[0].offerId");

        // a campaign link on the web puts the Black Friday sale first; the call center, alone, would not
        String web = decide(Map.of("customerId", "journey-1", "channel", "web", "context", Map.of("offer", "black-friday-30")))
                .getString("offers[0].offerId");
        String callCenter = decide(Map.of("customerId", "journey-1", "channel", "call_center")).getString("offers[0].offerId");

        assertThat(web).as("the web top offer differs from the call center's own choice, so the test means something")
                .isNotEqualTo(callCenterAlone);
        assertThat(callCenter).isEqualTo(web);

        // a dismiss lets the customer move on to the next best offer
        io.nbo.testing.Events.post(io.nbo.testing.Events.event("journey-evt-1", "dismiss", "journey-1", "offerId", web, "channel", "web",
                        "timestamp", Instant.now().toString()))
                .statusCode(200);
        assertThat(decide(Map.of("customerId", "journey-1", "channel", "call_center")).getString("offers[0].offerId")).isEqualTo(callCenterAlone);
    }

    @Test
    void aGlobalCapIsNeverExceededUnderConcurrency() throws Exception {
        List<JsonPath> answers = concurrently(10, () -> decide(Map.of("channel", "web", "limit", 3, "context", Map.of("test", "global"))));

        long coupons = answers.stream().filter(a -> a.getList("offers.offerId").contains("policy-test-coupon")).count();
        assertThat(coupons).isEqualTo(2);
        assertThat(answers).filteredOn(a -> !a.getList("offers.offerId").contains("policy-test-coupon"))
                .hasSize(8)
                .allSatisfy(a -> assertThat(a.getString("suppressed.find { it.offerId == 'policy-test-coupon' }.code")).isEqualTo("sold_out"));
        assertThat(redis.sync().get(KeySchema.globalCount("policy-test-coupon"))).isEqualTo("2");
    }

    @Test
    void aRealDecisionsImpressionAndClickAreAttributedToItAndAWebCartChangeReachesTheCallCenter() throws Exception {
        store("e2e-1");
        JsonPath d = decide(Map.of("customerId", "e2e-1", "channel", "web"));
        String offer = d.getString("offers[0].offerId");
        String decisionId = d.getString("decisionId");
        assertThat(contacts("e2e-1")).containsExactly("pending|" + offer + "|web|" + decisionId);

        io.nbo.testing.Events.post(List.of(
                io.nbo.testing.Events.event("e2e-imp", "impression", "e2e-1", "decisionId", decisionId),
                io.nbo.testing.Events.event("e2e-click", "click", "e2e-1", "decisionId", decisionId))).statusCode(200);

        // the impression took the place the serving held
        assertThat(contacts("e2e-1")).containsExactlyInAnyOrder("impression|" + offer + "|web|e2e-imp", "click|" + offer + "|web|e2e-click");
        JsonPath report = given().get("/v1/reports/offers?offer=" + offer + "&channel=web&version=" + d.getString("ruleSetVersion"))
                .then().statusCode(200).extract().jsonPath();
        assertThat(report.getInt("rows[0].served")).isPositive();
        assertThat(report.getInt("rows[0].impressions")).isPositive();
        assertThat(report.getInt("rows[0].clicks")).isPositive();

        // a cart change on the web is in the very next call-center decision: a beauty item in the cart
        // makes the sample box eligible (this customer consents to nothing the call center could send it on)
        given().contentType(ContentType.JSON).body(Customers.noConsent()).put("/v1/customers/e2e-cart").then().statusCode(200);
        Map<String, Object> callCenter = Map.of("customerId", "e2e-cart", "channel", "call_center", "limit", 5);
        assertThat(decide(callCenter).getList("suppressed.offerId")).doesNotContain("beauty-sample-box");
        io.nbo.testing.Events.post(io.nbo.testing.Events.event("e2e-cart", "cart_add", "e2e-cart", "channel", "web",
                "attributes", Map.of("sku", "BE-1", "name", "Serum", "category", "beauty", "price", 30, "quantity", 1))).statusCode(200);
        JsonPath after = decide(callCenter);
        assertThat(after.getString("suppressed.find { it.offerId == 'beauty-sample-box' }.code")).isEqualTo("no_consent");
    }

    @Test
    void aServedDecisionIsRecordedForAttributionAndCountedInTheReport() throws Exception {
        store("record-1");
        JsonPath d = decide(Map.of("customerId", "record-1", "channel", "web", "limit", 2));

        String recorded = redis.sync().get(KeySchema.decision("record-1", d.getString("decisionId")));
        JsonNode record = JSON.readTree(recorded);
        assertThat(record.get("v").asText()).isEqualTo(d.getString("ruleSetVersion"));
        assertThat(record.get("c").asText()).isEqualTo("web");
        assertThat(record.get("o").findValuesAsText("id")).isEqualTo(d.getList("offers.offerId", String.class));
        assertThat(record.at("/o/0/p/0").asDouble()).isEqualTo(d.getDouble("offers[0].scoreParts.propensity"));
        Long ttl = redis.sync().ttl(KeySchema.decision("record-1", d.getString("decisionId")));
        assertThat(ttl).isBetween(Duration.ofHours(23).toSeconds(), Duration.ofHours(24).toSeconds());

        String day = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd").withZone(java.time.ZoneOffset.UTC).format(Instant.now());
        String field = d.getString("offers[0].offerId") + "|web|" + d.getString("ruleSetVersion") + "|served";
        String count = redis.sync().hget(KeySchema.report(KeySchema.partition("record-1"), day), field);
        assertThat(Long.parseLong(count)).isPositive();
    }

    @Test
    void aCapReachedByReportedImpressionsSaysImpressions() throws Exception {
        store("cap-shown");
        List<String> decisions = new ArrayList<>();
        String offer = null;
        for (int i = 0; i < 3; i++) {
            JsonPath d = decide(Map.of("customerId", "cap-shown", "channel", "web", "limit", 1));
            offer = offer == null ? d.getString("offers[0].offerId") : offer;
            assertThat(d.getString("offers[0].offerId")).isEqualTo(offer);
            decisions.add(d.getString("decisionId"));
        }
        for (int i = 0; i < 3; i++) {
            io.nbo.testing.Events.post(io.nbo.testing.Events.event("cap-shown-imp-" + i, "impression", "cap-shown", "decisionId", decisions.get(i)))
                    .statusCode(200);
        }

        JsonPath later = decide(Map.of("customerId", "cap-shown", "channel", "web", "limit", 1));

        assertThat(later.getString("suppressed.find { it.offerId == '" + offer + "' }.message"))
                .isEqualTo("capped: 3 impressions of this offer in 7 days (at most 3)");
    }

    @Test
    void anOfferWhoseChannelAnEarlierOfferOfTheDecisionUsedUpGoesOnItsNextChannel() throws Exception {
        // demo-000013's shape: a member who clicks on texts (SMS first for every offer that has one), consents to SMS
        // and not email, on the call center, which can deliver call_center, email and sms; sms-1-per-week
        java.time.Instant now = java.time.Instant.now();
        given().contentType(ContentType.JSON).body(Map.of(
                "profile", Map.of("tier", "gold", "loyaltyPoints", 500, "birthMonth", now.atZone(java.time.ZoneOffset.UTC).getMonthValue(),
                        "lastPurchaseAt", now.minus(Duration.ofDays(20)).toString()),
                "consent", Map.of("sms", true, "email", false, "push", false),
                "engagement", Map.of("sms", Map.of("sent", 10, "clicks", 6)),
                "cart", Map.of("items", List.of(Map.of("sku", "SH-104", "name", "Trail runner", "category", "shoes", "price", 89.0, "quantity", 1)),
                        "updatedAt", now.minus(Duration.ofHours(30)).toString()))).put("/v1/customers/sms-first").then().statusCode(200);

        JsonPath d = decide(Map.of("customerId", "sms-first", "channel", "call_center", "limit", 20));

        List<String> channels = d.getList("offers.channel", String.class);
        assertThat(channels).filteredOn("sms"::equals).hasSize(1);
        // the others that could go by SMS went on the call center instead of being suppressed
        assertThat(d.getList("suppressed.policy", String.class)).doesNotContain("sms-1-per-week");
        assertThat(d.getList("offers.offerId", String.class)).contains("loyalty-double-points", "birthday-gift", "free-shipping", "cart-reminder-10");
        assertThat(channels).filteredOn("call_center"::equals).hasSizeGreaterThanOrEqualTo(3);
        // each recorded on the channel it was served on, with a score for that channel
        List<String> contacts = contacts("sms-first");
        for (int i = 0; i < channels.size(); i++) {
            assertThat(contacts).contains("pending|" + d.getString("offers[" + i + "].offerId") + "|" + channels.get(i) + "|" + d.getString("decisionId"));
            double product = d.getDouble("offers[" + i + "].scoreParts.propensity") * d.getDouble("offers[" + i + "].scoreParts.value")
                    * d.getDouble("offers[" + i + "].scoreParts.weight") * d.getDouble("offers[" + i + "].scoreParts.contextBoost");
            assertThat(d.getDouble("offers[" + i + "].score")).isCloseTo(product, org.assertj.core.api.Assertions.within(1e-4));
            assertThat(d.getString("offers[" + i + "].creative.headline")).isNotBlank();
        }
        JsonNode record = JSON.readTree(redis.sync().get(KeySchema.decision("sms-first", d.getString("decisionId"))));
        assertThat(record.get("o").findValuesAsText("ch")).isEqualTo(channels);
    }

    @Test
    void theFallbackOfferStoppedByACapIsListedOnce() throws Exception {
        store("fallback-once");
        JsonPath d = null;
        // every eligible offer, the fallback among them on the web, is served until its cap (3 a week) is reached
        for (int i = 0; i < 20; i++) {
            d = decide(Map.of("customerId", "fallback-once", "channel", "web", "limit", 20));
            if (d.getList("offers").isEmpty()) {
                break;
            }
        }
        assertThat(d.getList("offers")).as("everything capped after at most 20 decisions").isEmpty();
        assertThat(d.getList("suppressed.findAll { it.offerId == 'bestsellers-discovery' }")).hasSize(1);
        assertThat(d.getString("suppressed.find { it.offerId == 'bestsellers-discovery' }.code")).isEqualTo("capped");
        assertThat(d.getList("reasons.code")).contains("no_eligible_offer").doesNotContain("fallback_offer");
    }
}
