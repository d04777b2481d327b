package io.nbo.redis;

import static io.nbo.testing.Api.decide;
import static io.nbo.testing.Api.store;
import static io.nbo.testing.RuleSets.BESTSELLERS_FIRST;
import static io.nbo.testing.RuleSets.activeVersion;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.cluster.SlotHash;
import io.nbo.rules.SecondReplica;
import io.nbo.testing.CouponRules;
import io.nbo.testing.Customers;
import io.nbo.testing.Events;
import io.nbo.testing.RedisCluster;
import io.nbo.testing.RedisClusterResource;
import io.nbo.testing.RedisServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * nbo on a real three-master Redis Cluster ({@code nbo.redis.cluster=true}): customers spread over
 * the masters, each one's keys on one slot; decisions read the context whole, events are applied and
 * attributed, caps and a global cap hold, the import and a simulation reach every master, and a
 * publish goes live on a second replica sharing the cluster.
 */
@QuarkusTest
@TestProfile(RedisClusterTest.OnACluster.class)
class RedisClusterTest {

    /** Its own application, on its own cluster (not the single redis-server the other tests share). */
    public static class OnACluster extends CouponRules {
        public OnACluster() {
            super("rules-cluster-test");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(RedisClusterResource.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    static RedisConnection redis;

    @BeforeAll
    static void connect() throws InterruptedException {
        redis = RedisConnection.open(RedisClusterResource.current().url(), true, Duration.ofSeconds(5), null);
        assertThat(redis.isConnected()).as("the test's own cluster connection").isTrue();
        assertThat(redis.isCluster()).isTrue();
    }

    @AfterAll
    static void close() {
        redis.close();
    }



    /** Keys stored on each master, by port. */
    static Map<Integer, Long> keysPerMaster() {
        Map<Integer, Long> keys = new TreeMap<>();
        for (RedisServer node : RedisClusterResource.current().nodes()) {
            keys.put(node.port(), RedisCluster.dbsize(node));
        }
        return keys;
    }

    /** The masters holding keys of {@code slot}. */
    static List<Integer> mastersHolding(int slot) {
        return RedisClusterResource.current().nodes().stream()
                .filter(n -> RedisCluster.keysInSlot(n, slot) > 0)
                .map(RedisServer::port).toList();
    }

    @Test
    void customersSpreadOverEveryMasterAndADecisionReadsItsCustomerWhole() {
        for (int i = 0; i < 30; i++) {
            store("spread-" + i);
        }

        // 30 customers over 1,024 partitions land on all three masters: the cluster is really used
        assertThat(keysPerMaster()).hasSize(3).allSatisfy((port, n) -> assertThat(n).as("keys on the master at " + port).isPositive());
        // and every key of one customer is on one slot, held by exactly one master
        Set<Integer> slots = KeySchema.keyList("spread-7").stream().map(SlotHash::getSlot).collect(Collectors.toSet());
        assertThat(slots).hasSize(1);
        assertThat(mastersHolding(slots.iterator().next())).hasSize(1);

        JsonPath stored = given().get("/v1/customers/spread-7").then().statusCode(200).extract().jsonPath();
        assertThat(stored.getString("profile.tier")).isEqualTo("gold");
        assertThat(stored.getList("cart.items.sku")).containsExactly("SH-104");

        JsonPath decision = decide(Map.of("customerId", "spread-7", "channel", "web", "limit", 3));
        assertThat(decision.getBoolean("partial")).as(decision.prettify()).isFalse();
        assertThat(decision.getList("reasons")).isEmpty();
        assertThat(decision.getList("offers")).isNotEmpty();
        // the commit recorded the decision next to the customer's keys, for attribution
        assertThat(redis.commands().exists(KeySchema.decision("spread-7", decision.getString("decisionId"))).toCompletableFuture().join())
                .isEqualTo(1L);
    }

    @Test
    void aBatchOfEventsAcrossMastersIsAppliedOnceAttributedAndInTheStreamsEvenAfterTheScriptsAreFlushed() throws Exception {
        List<String> customers = IntStream.range(0, 12).mapToObj(i -> "events-" + i).toList();
        customers.forEach(io.nbo.testing.Api::store);
        assertThat(customers.stream().map(c -> SlotHash.getSlot(KeySchema.events(c))).map(RedisClusterTest::mastersHolding)
                .collect(Collectors.toSet())).as("the batch's partitions live on several masters").hasSizeGreaterThan(1);
        JsonPath decision = decide(Map.of("customerId", "events-0", "channel", "web"));
        String offer = decision.getString("offers[0].offerId");

        List<Map<String, Object>> batch = new ArrayList<>();
        batch.add(Events.event("cl-imp-0", "impression", "events-0", "decisionId", decision.getString("decisionId"), "offerId", offer));
        for (int i = 1; i < customers.size(); i++) {
            batch.add(Events.event("cl-view-" + i, "page_view", customers.get(i), "attributes", Map.of("category", "shoes")));
        }

        // every master forgets nbo's scripts (as after a restart or a failover): each call loads them again by itself
        RedisClusterResource.current().nodes().forEach(node -> assertThat(RedisCluster.scriptFlush(node)).isEqualTo("OK"));

        JsonPath applied = Events.post(batch).statusCode(200).extract().jsonPath();
        assertThat(applied.getInt("applied")).isEqualTo(customers.size());
        assertThat(applied.getBoolean("results[0].attribution.attributed")).isTrue();
        assertThat(applied.getString("results[0].attribution.ruleSetVersion")).isEqualTo(decision.getString("ruleSetVersion"));
        for (String customer : customers) {
            List<Map<String, String>> stream = redis.commands().xrange(KeySchema.events(customer), Range.create("-", "+"))
                    .get(5, TimeUnit.SECONDS).stream().map(StreamMessage::getBody).filter(b -> customer.equals(b.get("customerId"))).toList();
            assertThat(stream).as("the stream of " + customer + "'s partition").hasSize(1);
        }
        assertThat(given().get("/v1/customers/events-5").then().statusCode(200).extract().jsonPath().getString("recent[0].type"))
                .isEqualTo("page_view");

        // the same batch again changes nothing
        JsonPath again = Events.post(batch).statusCode(200).extract().jsonPath();
        assertThat(again.getInt("duplicates")).isEqualTo(customers.size());
        JsonPath after = decide(Map.of("customerId", "events-0", "channel", "web"));
        assertThat(after.getBoolean("partial")).as(after.prettify()).isFalse();
    }

    @Test
    void anOfferStopsAtItsCapAndAGlobalCapIsNotExceeded() {
        store("capped-1");
        Map<String, Long> served = new TreeMap<>();
        for (int i = 0; i < 6; i++) {
            decide(Map.of("customerId", "capped-1", "channel", "web", "limit", 1)).getList("offers.offerId", String.class)
                    .forEach(o -> served.merge(o, 1L, Long::sum));
        }
        // offer-3-per-week: servings pending their impressions count, so the top offer went three times
        assertThat(served).allSatisfy((o, n) -> assertThat(n).as(o).isLessThanOrEqualTo(3));
        String best = served.entrySet().stream().filter(e -> e.getValue() == 3).map(Map.Entry::getKey).findFirst().orElseThrow();
        JsonPath later = decide(Map.of("customerId", "capped-1", "channel", "web", "limit", 1));
        assertThat(later.getString("suppressed.find { it.offerId == '" + best + "' }.code")).isEqualTo("capped");

        // the coupon's global cap (its own slot, likely another master than the customers') serves two in all
        long coupons = IntStream.range(0, 4).mapToObj(i -> decide(Map.of("channel", "web", "limit", 3, "context", Map.of("test", "global"))))
                .filter(a -> a.getList("offers.offerId").contains(CouponRules.COUPON)).count();
        assertThat(coupons).isEqualTo(2);
        assertThat(redis.commands().get(KeySchema.globalCount(CouponRules.COUPON)).toCompletableFuture().join()).isEqualTo("2");
        JsonPath soldOut = decide(Map.of("channel", "web", "limit", 3, "context", Map.of("test", "global")));
        assertThat(soldOut.getString("suppressed.find { it.offerId == '" + CouponRules.COUPON + "' }.code")).isEqualTo("sold_out");
    }

    @Test
    void theImportAndASimulationReachTheCustomersOfEveryMaster(@TempDir Path dir) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            lines.append("{\"id\": \"imported-").append(i).append("\", \"profile\": {\"tier\": \"silver\"}, \"consent\": {\"email\": true}}\n");
        }
        Path file = Files.writeString(dir.resolve("customers.jsonl"), lines);
        StringWriter out = new StringWriter();
        CommandLine cli = io.nbo.cli.NboCommand.commandLine(java.io.InputStream.nullInputStream(),
                Map.of("NBO_REDIS_URL", RedisClusterResource.current().url(), "NBO_REDIS_CLUSTER", "true"));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));

        assertThat(cli.execute("import", "--batch", "7", file.toString())).as(out.toString()).isZero();
        Map<Integer, Long> byMaster = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            int slot = SlotHash.getSlot(KeySchema.keys("imported-" + i)[KeySchema.PROFILE]);
            mastersHolding(slot).forEach(port -> byMaster.merge(port, 1L, Long::sum));
        }
        assertThat(byMaster).as("imported customers per master").hasSize(3);
        assertThat(given().get("/v1/customers/imported-39").then().statusCode(200).extract().jsonPath().getString("profile.tier"))
                .isEqualTo("silver");

        // a simulation samples the stored customers by SCAN, which must walk every master
        long stored = redis.commands().keys("nbo:{p:*}:c:*:profile").toCompletableFuture().join().size();
        assertThat(stored).isGreaterThanOrEqualTo(40);
        String id = given().contentType(ContentType.JSON).body(Map.of("sample", 50_000, "channel", "web")).post("/v1/rulesets/simulations")
                .then().statusCode(202).extract().jsonPath().getString("id");
        Instant deadline = Instant.now().plusSeconds(60);
        JsonPath job;
        while ((job = given().get("/v1/rulesets/simulations/" + id).then().statusCode(200).extract().jsonPath()).getString("state").equals("running")) {
            assertThat(Instant.now()).as("waiting for simulation " + id).isBefore(deadline);
            Thread.sleep(50);
        }
        assertThat(job.getString("state")).as(job.prettify()).isEqualTo("done");
        assertThat(job.getLong("customersPlanned")).as("every stored customer, on whichever master").isEqualTo(stored);
    }

    @Test
    void aPublishGoesLiveHereAndOnASecondReplicaOfTheCluster() throws Exception {
        String original = activeVersion();
        Map<String, String> files = new TreeMap<>(given().get("/v1/rulesets/" + original).then().statusCode(200).extract().jsonPath()
                .getMap("files", String.class, String.class));
        files.put("zz-extra.drl", BESTSELLERS_FIRST);

        try (RedisConnection replicaRedis = RedisConnection.open(RedisClusterResource.current().url(), true, Duration.ofSeconds(5), null);
             SecondReplica replica = SecondReplica.start(replicaRedis, "cluster-replica-b")) {
            assertThat(replica.version()).isEqualTo(original);

            JsonPath answer = given().contentType(ContentType.JSON)
                    .body(Map.of("files", files, "author", "ana", "message", "bestsellers first, on a cluster")).post("/v1/rulesets")
                    .then().statusCode(201).extract().jsonPath();
            String published = answer.getString("version");

            assertThat(published).isNotEqualTo(original);
            assertThat(answer.getList("rollout.ready", String.class)).contains("cluster-replica-b");
            assertThat(answer.getList("rollout.late")).isEmpty();
            assertThat(activeVersion()).isEqualTo(published);
            replica.awaitVersion(published);
            JsonPath decision = decide(Map.of("channel", "web", "limit", 3, "context", Map.of("test", "lifecycle")));
            assertThat(decision.getString("ruleSetVersion")).isEqualTo(published);
            assertThat(decision.getString("offers[0].offerId")).isEqualTo("bestsellers-discovery");
        }
    }
}
