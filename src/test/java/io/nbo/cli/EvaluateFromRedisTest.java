package io.nbo.cli;

import static io.nbo.testing.Events.event;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nbo.context.CustomerContextRepository;
import io.nbo.evaluation.LoggedEvent;
import io.nbo.evaluation.RecordedDecisionStore;
import io.nbo.redis.KeySchema;
import io.nbo.redis.RedisConnection;
import io.nbo.testing.Customers;
import io.nbo.testing.Events;
import io.nbo.testing.RealRedis;
import io.nbo.testing.RedisServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * nbo's own decisions and events as a decision log: decisions made and events applied through the API, read back from
 * the partition streams and the decision records of a real Redis, and evaluated by {@code nbo evaluate --from-redis}.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@TestProfile(EvaluateFromRedisTest.OwnRedis.class)
class EvaluateFromRedisTest {

    /** A Redis of its own, so the streams hold this test's events alone. */
    public static class OwnRedis implements QuarkusTestProfile {
    }

    static final String ANA = "t-eval-ana";
    static final String BEN = "t-eval-ben";

    @RegisterExtension
    static final RealRedis redis = RealRedis.ofApp();

    static String decision;
    static List<String> offers;

    /** Once, from the first test (a static {@code @BeforeAll} runs before the application listens). */
    static synchronized void decideAndRespond() {
        if (decision != null) {
            return;
        }
        given().contentType(ContentType.JSON).body(Customers.goldCartAbandoner()).put("/v1/customers/" + ANA).then().statusCode(200);
        JsonPath d = given().contentType(ContentType.JSON).body(Map.of("customerId", ANA, "channel", "web", "limit", 2))
                .post("/v1/decisions").then().statusCode(200).extract().jsonPath();
        decision = d.getString("decisionId");
        offers = d.getList("offers.offerId");
        assertThat(offers).as("the decision serves two offers").hasSize(2);

        // A record as the learning arbitration writes it, with the probability "q" of the offer it chose.
        given().contentType(ContentType.JSON).body(Customers.goldCartAbandoner()).put("/v1/customers/" + BEN).then().statusCode(200);
        String withProbability = Events.recordedDecision("v-test", "email", "welcome-10", "email").replace("\"s\":1.5", "\"q\":0.25,\"s\":1.5");
        redis.sync().set(KeySchema.decision(BEN, "d-eval-q"), withProbability);
        // And one that expires before the evaluation reads it.
        redis.sync().set(KeySchema.decision(BEN, "d-eval-gone"), Events.recordedDecision("v-test", "web", "app-download", "web"));

        Events.post(List.of(
                event("e-eval-1", "impression", ANA, "decisionId", decision, "offerId", offers.get(0)),
                event("e-eval-2", "click", ANA, "decisionId", decision, "offerId", offers.get(0)),
                event("e-eval-3", "impression", ANA, "decisionId", decision, "offerId", offers.get(1)),
                event("e-eval-4", "impression", BEN, "decisionId", "d-eval-q", "offerId", "welcome-10"),
                event("e-eval-5", "accept", BEN, "decisionId", "d-eval-q", "offerId", "welcome-10"),
                event("e-eval-6", "impression", BEN, "decisionId", "d-eval-gone", "offerId", "app-download"),
                // no impression: a click alone is no served-and-shown offer
                event("e-eval-7", "click", BEN, "decisionId", "d-eval-gone", "offerId", "app-download"),
                // names no decision nbo made: not attributed, not in the log
                event("e-eval-8", "impression", BEN, "decisionId", "d-eval-unknown", "offerId", "welcome-10", "channel", "web")))
                .log().ifValidationFails().statusCode(200);
        redis.sync().del(KeySchema.decision(BEN, "d-eval-gone"));
    }

    @Test
    void everyShownOfferOfARecordedDecisionIsAnEventWithItsSlotChannelAndReward() throws Exception {
        decideAndRespond();
        RecordedDecisionStore.Log log;
        try (RedisConnection connection = RedisConnection.open(redis.url(), Duration.ofSeconds(2), null)) {
            log = new RecordedDecisionStore(connection, new CustomerContextRepository(connection, 50), Duration.ofSeconds(2)).read();
        }

        assertThat(log.impressions()).isEqualTo(4);
        assertThat(log.noRecord()).isEqualTo(1);
        assertThat(log.noProbability()).as("nbo's decisions do not record q yet").isEqualTo(2);
        List<LoggedEvent> events = log.events().stream().sorted(Comparator.comparing(LoggedEvent::action)).toList();
        assertThat(events).hasSize(3);

        LoggedEvent first = log.events().stream().filter(e -> e.action().equals(offers.get(0))).findFirst().orElseThrow();
        assertThat(first.position()).isEqualTo(1);
        assertThat(first.reward()).isEqualTo(1);
        assertThat(first.probability()).isNaN();
        assertThat(first.request().getChannel()).isEqualTo("web");
        assertThat(first.customer().getId()).isEqualTo(ANA);
        assertThat(first.customer().text("tier")).as("the customer as stored now").isEqualTo("gold");
        LoggedEvent second = log.events().stream().filter(e -> e.action().equals(offers.get(1))).findFirst().orElseThrow();
        assertThat(second.position()).isEqualTo(2);
        assertThat(second.reward()).isZero();

        LoggedEvent learned = log.events().stream().filter(e -> e.customer().getId().equals(BEN)).findFirst().orElseThrow();
        assertThat(learned.action()).isEqualTo("welcome-10");
        assertThat(learned.channel()).isEqualTo("email");
        assertThat(learned.request().getChannel()).isEqualTo("email");
        assertThat(learned.probability()).isEqualTo(0.25);
        assertThat(learned.reward()).isEqualTo(1);
    }

    @Test
    void evaluateFromRedisUsesTheEventsWithAProbabilityForIpwAndSaysHowManyWereLeftOut() throws Exception {
        decideAndRespond();
        Cli.Run run = Cli.run("evaluate", "--rules", "rules", "--from-redis", redis.url(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode r = new ObjectMapper().readTree(run.out());
        assertThat(r.get("eventsEvaluated").asLong()).isEqualTo(3);
        assertThat(r.at("/recorded/noRecord").asLong()).isEqualTo(1);
        assertThat(r.get("unknownProbability").asLong()).isEqualTo(2);
        assertThat(r.at("/estimates/ipw/events").asLong()).isEqualTo(1);
        assertThat(r.at("/estimates/logged/value").asDouble()).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(r.get("warnings")).anyMatch(w -> w.asText().equals("2 of 3 events have no logging probability: left out of IPW and SNIPW"));
    }
}
