package io.nbo.learning;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nbo.redis.KeySchema;
import io.nbo.testing.Api;
import io.nbo.testing.Drl;
import io.nbo.testing.RealRedis;
import io.nbo.testing.RedisServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Learning end to end, against a real Redis: decisions, impressions and clicks through the API teach the
 * models exactly once; answers show the model, its evidence and the value used; the cold start answers
 * as the engagement formula; a placement that explores tries a new offer; the decision record keeps the
 * probability of each rank. Two offers of equal value are eligible for everyone on the web.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@TestProfile(LearningServiceTest.TwoOffers.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LearningServiceTest {

    @RegisterExtension
    static final RealRedis redis = RealRedis.ofApp();

    static final ObjectMapper JSON = new ObjectMapper();

    /** Two offers of the same value (known and fresh), no contact policy, a predictor, and two placements: one explores. */
    public static class TwoOffers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path dir = Files.createTempDirectory("nbo-learning");
                String offer = """
                          - id: %s
                            name: %s
                            group: %s
                            value: 10.0
                            channels:
                              web: {headline: "%s"}
                        """;
                Files.writeString(dir.resolve("offers.yaml"), "offers:\n" + offer.formatted("known", "Known", "g1", "Known")
                        + offer.formatted("fresh", "Fresh", "g2", "Fresh"));
                Files.writeString(dir.resolve("everyone.drl"), Drl.file(
                        Drl.rule("Everyone may get the known offer").offer("known").eligible("for everyone"),
                        Drl.rule("Everyone may get the fresh offer").offer("fresh").eligible("for everyone")));
                Files.writeString(dir.resolve("models.yaml"), """
                        exploration: mean
                        placements:
                          explore: sample
                        predictors:
                          - name: device
                            from: request.device
                        """);
                return Map.of("nbo.rules.dir", dir.toString(), "nbo.learning.enabled", "true", "nbo.learning.poll-interval", "100ms");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static JsonPath decide(String customer, String placement, int limit) {
        Map<String, Object> body = new HashMap<>(Map.of("customerId", customer, "channel", "web", "limit", limit, "device", "mobile"));
        if (placement != null) {
            body.put("placement", placement);
        }
        return Api.decide(body);
    }

    static void events(List<Map<String, Object>> events) {
        given().contentType(ContentType.JSON).body(events).post("/v1/events").then().statusCode(200);
    }

    static Map<String, Object> event(String id, String type, String customer, String decision, String offer) {
        return Map.of("eventId", id, "type", type, "customerId", customer, "decisionId", decision, "offerId", offer, "channel", "web",
                "timestamp", java.time.Instant.now().toString());
    }

    static JsonPath model(String offer) {
        return given().get("/v1/models/" + offer).then().statusCode(200).extract().jsonPath();
    }

    static long trials(String offer) {
        JsonPath m = model(offer);
        Object n = m.get("models.find { it.channel == 'web' }.impressions");
        return n == null ? 0 : ((Number) n).longValue();
    }

    static void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(done.getAsBoolean()).as(what).isTrue();
    }

    /** n decisions for new visitors on the mean placement, the first offer of each shown, one in {@code clickEvery} clicked. */
    static void teach(String prefix, int n, int clickEvery) {
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String customer = prefix + i;
            JsonPath d = decide(customer, null, 1);
            String decision = d.getString("decisionId");
            String offer = d.getString("offers[0].offerId");
            events.add(event(customer + "-i", "impression", customer, decision, offer));
            if (i % clickEvery == 0) {
                events.add(event(customer + "-c", "click", customer, decision, offer));
            }
        }
        events(events);
    }

    @Test
    @Order(1)
    void theColdStartAnswersAsTheFormulaAndTheModelLearnsExactlyOnceFromEvents() throws Exception {
        // No evidence: the estimate is the engagement formula (no history: 1 / 20), on both offers, with certainty.
        JsonPath cold = decide("cold", null, 2);
        assertThat(cold.getList("offers.model.name")).containsOnly("adaptive");
        assertThat(cold.getList("offers.model.impressions", Integer.class)).containsOnly(0);
        assertThat(cold.getList("offers.scoreParts.propensity", Double.class)).containsOnly(0.05);
        assertThat(cold.getList("offers.model.exploration")).containsOnly("mean");
        assertThat(cold.getList("offers.model.choiceProbability", Double.class)).containsOnly(1.0);

        // 200 decisions, each shown, every tenth clicked: the offer shown first (a tie on score: the offer id, "fresh")
        teach("learn-", 200, 10);
        await(() -> trials("fresh") == 200, "the fresh offer learned 200 impressions");
        JsonPath m = model("fresh");
        assertThat(m.getInt("models[0].positives")).isEqualTo(20);

        // The answer now shows the evidence and the estimate (k + m·p0) / (n + m); the one predictor (every decision was on a
        // mobile) separates nothing, so it does not move it.
        JsonPath warm = decide("warm", null, 2);
        Map<String, Object> fresh = warm.getMap("offers.find { it.offerId == 'fresh' }.model");
        assertThat(((Number) fresh.get("impressions")).longValue()).isEqualTo(200);
        assertThat(((Number) fresh.get("positives")).longValue()).isEqualTo(20);
        assertThat(((Number) fresh.get("mean")).doubleValue()).isCloseTo((20 + 20 * 0.05) / 220, within(1e-6));

        // The same events again (a retry), and a second impression of the same decision: nothing moves.
        List<Map<String, Object>> again = new ArrayList<>();
        JsonPath d = decide("learn-0-again", null, 1);
        again.add(event("learn-0-i", "impression", "learn-0", "whatever", "fresh"));
        again.add(event("extra-i-1", "impression", "learn-0-again", d.getString("decisionId"), d.getString("offers[0].offerId")));
        again.add(event("extra-i-2", "impression", "learn-0-again", d.getString("decisionId"), d.getString("offers[0].offerId")));
        events(again);
        await(() -> trials("fresh") == 201, "the new decision's first impression is learned");
        Thread.sleep(500);
        assertThat(trials("fresh")).as("a retried event, and a second impression of one decision, teach nothing").isEqualTo(201);
        // the predictor's value (device mobile) was recorded with each decision and learned with it
        // (per day of the decision: summed, in case the test ran across midnight)
        long mobile = redis.sync().hgetall(ModelRepository.MODELS).entrySet().stream()
                .filter(f -> f.getKey().startsWith("t|fresh|web|") && f.getKey().endsWith("|device|s:mobile"))
                .mapToLong(f -> Long.parseLong(f.getValue())).sum();
        assertThat(mobile).isEqualTo(201);

        // Operators see it too: this (only) replica learns, and what it learned is counted.
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("nbo_learning_leader 1.0").contains("nbo_learning_models ").contains("nbo_learning_lag_seconds ");
        double learned = metrics.lines().filter(l -> l.startsWith("nbo_learning_events_total ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
                .findFirst().orElse(0);
        assertThat(learned).as("entries learned: 200 impressions, 20 clicks, the new decision's impression").isGreaterThanOrEqualTo(221);
        JsonPath health = model("fresh");
        assertThat(health.getBoolean("learning")).isTrue();
        assertThat(health.getBoolean("models[0].coldStart")).isFalse();
        assertThat(health.getList("models[0].predictors.name")).containsExactly("device");
    }

    @Test
    @Order(2)
    void aPlacementThatExploresTriesAnOfferTheMeanWouldNeverShowAndRecordsEachRanksProbability() throws Exception {
        // known: 200 impressions, 16 clicks (8 %, estimate 17 / 220): better than fresh's prior of 5 % with no evidence.
        givenEvidence("known", 200, 16);
        givenEvidence("fresh", 0, 0);
        for (int i = 0; i < 10; i++) {
            assertThat(decide("mean-" + i, null, 1).getString("offers[0].offerId")).as("the mean never shows fresh").isEqualTo("known");
        }
        int fresh = 0;
        for (int i = 0; i < 60; i++) {
            JsonPath d = decide("explore-" + i, "explore", 1);
            fresh += d.getString("offers[0].offerId").equals("fresh") ? 1 : 0;
            assertThat(d.getString("offers[0].model.exploration")).isEqualTo("sample");
            assertThat(d.getDouble("offers[0].model.choiceProbability")).isBetween(0.0, 1.0);
        }
        // P(a draw of Beta(1, 19) beats one of Beta(17, 203)) is about 0.2: 60 decisions try fresh (P(none) < 1e-5)
        assertThat(fresh).as("the new offer gets tried").isPositive().isLessThan(60);

        // Both offers served (limit 2): the record keeps each one's probability of each rank, and the first rank's sum to one.
        JsonPath both = decide("explore-both", "explore", 2);
        String record = redis.sync().get(KeySchema.decision("explore-both", both.getString("decisionId")));
        JsonNode offers = JSON.readTree(record).get("o");
        assertThat(offers).hasSize(2);
        double first = offers.get(0).get("q").get(0).asDouble() + offers.get(1).get("q").get(0).asDouble();
        assertThat(first).isCloseTo(1.0, within(1e-5));
        assertThat(offers.get(0).get("x").asText()).isEqualTo("device=s:mobile");
        assertThat(both.getDouble("offers[0].model.choiceProbability")).isEqualTo(offers.get(0).get("q").get(0).asDouble());
    }

    @Test
    @Order(3)
    void aModelShowsTheAucOfItsContextualModelOnRecentResponsesOnceItHasEnoughOfThem() throws Exception {
        // The first batch after a reset is scored by the old model: it does not count.
        givenEvidence("fresh", 20, 0);
        assertThat(model("fresh").getMap("models[0]")).doesNotContainKey("auc");
        respond("fresh", "auc-", 80, 40);
        await(() -> model("fresh").get("models[0].auc") != null, "fresh shows its AUC");
        // Every decision was on a mobile: the predictor separates nothing, and the AUC is chance's.
        assertThat(model("fresh").getDouble("models[0].auc")).isEqualTo(0.5);
        assertThat(given().get("/v1/models").then().statusCode(200).extract().jsonPath().getDouble(
                "models.find { it.offerId == 'fresh' }.auc")).isEqualTo(0.5);
        // known has 24 positives: too few
        assertThat(model("known").getMap("models[0]")).containsKey("impressions").doesNotContainKey("auc");
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("nbo_learning_auc_min 0.5");
    }

    /** Resets the offer's model, then teaches it {@code trials} impressions of which {@code positives} clicked, through the API. */
    static void givenEvidence(String offer, int trials, int positives) throws Exception {
        given().post("/v1/models/" + offer + "/reset").then().statusCode(200);
        await(() -> trials(offer) == 0, offer + " reset");
        respond(offer, "ev-", trials, positives);
    }

    /** Teaches the offer {@code trials} more impressions of which {@code positives} clicked, through the API. */
    static void respond(String offer, String prefix, int trials, int positives) throws Exception {
        long before = trials(offer);
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < trials; i++) {
            String customer = prefix + offer + "-" + i;
            // The mean placement shows the best by score; the event may name any offer the decision recorded: ask for both.
            JsonPath d = decide(customer, null, 2);
            events.add(event(customer + "-i", "impression", customer, d.getString("decisionId"), offer));
            if (i < positives) {
                events.add(event(customer + "-c", "click", customer, d.getString("decisionId"), offer));
            }
        }
        if (!events.isEmpty()) {
            events(events);
        }
        await(() -> trials(offer) == before + trials, offer + " learned " + trials);
    }
}
