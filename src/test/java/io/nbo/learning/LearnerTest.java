package io.nbo.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nbo.model.Channel;
import io.nbo.redis.KeySchema;
import io.nbo.redis.RedisConnection;
import io.nbo.testing.RealRedis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The learner and the replicas' models against a real Redis: stream entries as event-apply.lua writes them
 * are learned exactly once, whichever replica learns, across lease changes and restarts, and every replica
 * sees them within a second. (That event-apply.lua writes them so, once per decision, is LearningServiceTest's.)
 */
class LearnerTest {

    @RegisterExtension
    static final RealRedis server = RealRedis.start();
    static final RedisConnection redis = server.closedAfterAll(RedisConnection.open(server.url(), Duration.ofSeconds(1), null));

    static final Duration POLL = Duration.ofMillis(100);
    static final Duration LEASE = Duration.ofMillis(600);
    static final Duration EPOCH = Duration.ofDays(1);

    final List<Replica> replicas = new ArrayList<>();

    /** A replica's learning, polled on its own thread as LearningService does. */
    final class Replica implements AutoCloseable {
        final ModelRepository repository = new ModelRepository(redis, Duration.ofSeconds(2));
        final ModelStore store = new ModelStore(repository, true);
        final Learner learner;
        final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();

        Replica(String id) {
            learner = new Learner(repository, id, LEASE, Duration.ofDays(7), 500, EPOCH, Clock.systemUTC(), store::current);
            thread.scheduleWithFixedDelay(() -> {
                try {
                    learner.poll();
                    store.poll();
                } catch (RuntimeException e) {
                    // as the service: the next poll tries again
                }
            }, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
            replicas.add(this);
        }

        long trials(String offer) {
            Models.Model m = store.current().get(offer, Channel.WEB);
            return m == null ? 0 : m.trials();
        }

        long positives(String offer) {
            Models.Model m = store.current().get(offer, Channel.WEB);
            return m == null ? 0 : m.positives();
        }

        @Override
        public void close() throws InterruptedException {
            thread.shutdownNow();
            thread.awaitTermination(2, TimeUnit.SECONDS);
            repository.close();
        }
    }

    @BeforeEach
    void empty() {
        server.sync().flushall();
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Replica r : replicas) {
            r.close();
        }
        replicas.clear();
    }

    /** An entry as event-apply.lua appends it for the first trial or positive of an offer in a decision. */
    static void event(String customer, String offer, String learn, Instant decided, Instant at, String x) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("eventId", java.util.UUID.randomUUID().toString());
        fields.put("type", learn.contains("p") ? "click" : "impression");
        fields.put("customerId", customer);
        fields.put("timestamp", at.toString());
        fields.put("decisionId", "d-" + customer);
        fields.put("offerId", offer);
        fields.put("channel", "web");
        fields.put("ruleSetVersion", "v1");
        fields.put("attributed", "true");
        fields.put("learn", learn);
        fields.put("dt", String.valueOf(decided.toEpochMilli()));
        if (x != null) {
            fields.put("x", x);
        }
        server.sync().xadd(KeySchema.events(customer), fields);
    }

    static void events(int n, String offer, String learn) {
        Instant now = Instant.now();
        for (int i = 0; i < n; i++) {
            event("c" + i, offer, learn, now, now, null);
        }
    }

    static void await(Duration within, BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(done.getAsBoolean()).as(what).isTrue();
    }

    @Test
    void twoReplicasSeeAnEventWithinASecondAndOnlyOneOfThemLearnsIt() throws InterruptedException {
        Replica a = new Replica("a");
        Replica b = new Replica("b");
        await(Duration.ofSeconds(5), () -> a.store.isLoaded() && b.store.isLoaded(), "both replicas loaded the models");

        events(1, "coat", "t");
        long appended = System.nanoTime();
        await(Duration.ofSeconds(1), () -> a.trials("coat") == 1 && b.trials("coat") == 1, "both replicas see the impression within 1 s");
        long seen = System.nanoTime() - appended;
        System.out.printf("LearnerTest: both replicas saw the impression %d ms after it was appended (poll %d ms)%n", seen / 1_000_000,
                POLL.toMillis());

        events(1, "coat", "p");
        await(Duration.ofSeconds(1), () -> a.positives("coat") == 1 && b.positives("coat") == 1, "both replicas see the click within 1 s");
        assertThat(a.learner.isLeader() ^ b.learner.isLeader()).as("exactly one replica learns").isTrue();
        assertThat(server.sync().hget(ModelRepository.MODELS, "t|coat|web")).isEqualTo("1");
        assertThat(seen).isLessThan(Duration.ofSeconds(1).toNanos());
    }

    @Test
    void theLearnerThatStopsIsReplacedAndNothingIsLearnedTwiceOrLost() throws InterruptedException {
        Replica a = new Replica("a");
        await(Duration.ofSeconds(5), () -> a.learner.isLeader() && a.store.isLoaded(), "a learns");
        events(300, "coat", "t");
        Replica b = new Replica("b");
        await(Duration.ofSeconds(5), () -> b.trials("coat") == 300, "b sees what a learned");

        a.close();
        replicas.remove(a);
        events(200, "coat", "t");
        events(50, "coat", "p");
        // b takes the lease once a's expires, and learns from where a stopped
        await(Duration.ofSeconds(5), () -> b.trials("coat") == 500 && b.positives("coat") == 50, "b learned the rest, once");
        assertThat(b.learner.isLeader()).isTrue();

        // A replica started now (a restart) starts from the models in Redis, with everything in them.
        Replica restarted = new Replica("a-again");
        await(Duration.ofSeconds(5), () -> restarted.trials("coat") == 500, "a restarted replica loses nothing");
        Thread.sleep(3 * POLL.toMillis());
        assertThat(restarted.positives("coat")).isEqualTo(50);
        assertThat(b.trials("coat")).isEqualTo(500);
    }

    @Test
    void aBatchReadByALearnerThatLostItsLeaseIsRefused() {
        ModelRepository repository = new ModelRepository(redis, Duration.ofSeconds(2));
        Learner first = new Learner(repository, "first", Duration.ofMillis(200), Duration.ofDays(7), 500, EPOCH, Clock.systemUTC(),
                () -> Models.EMPTY);
        Learner second = new Learner(repository, "second", Duration.ofMillis(200), Duration.ofDays(7), 500, EPOCH, Clock.systemUTC(),
                () -> Models.EMPTY);
        events(10, "coat", "t");
        assertThat(first.poll().learned()).isEqualTo(10);

        events(5, "coat", "t");
        // second cannot learn while first holds the lease; once it expires second takes over and learns the 5 new ones only
        assertThat(second.poll().leader()).isFalse();
        server.sync().del(ModelRepository.LEASE);
        assertThat(second.poll().learned()).isEqualTo(5);
        // first, paused meanwhile, still has the old positions: its batch would learn the 5 again, and is refused
        server.sync().del(ModelRepository.LEASE);
        Learner.Polled stale = first.poll();
        assertThat(stale.refused()).startsWith("moved");
        assertThat(server.sync().hget(ModelRepository.MODELS, "t|coat|web")).isEqualTo("15");
        assertThat(first.poll().learned()).as("after reading the positions again, nothing new").isZero();
        assertThat(server.sync().hget(ModelRepository.MODELS, "t|coat|web")).isEqualTo("15");
        repository.close();
    }

    @Test
    void aPositiveOutsideTheWindowTeachesNothingAndPredictorsAreCountedPerValue() {
        ModelRepository repository = new ModelRepository(redis, Duration.ofSeconds(2));
        Learner learner = new Learner(repository, "l", LEASE, Duration.ofDays(7), 500, EPOCH, Clock.systemUTC(), () -> Models.EMPTY);
        Instant now = Instant.now();
        event("c1", "coat", "tp", now.minus(Duration.ofDays(8)), now, "tier=s:gold");
        event("c2", "coat", "tp", now.minus(Duration.ofHours(1)), now, "tier=s:gold" + Predictors.SEPARATOR + "age=n:42");
        event("c3", "coat", "t", now, now, "tier=s:silver");

        assertThat(learner.poll().learned()).isEqualTo(3);

        // The totals over the whole history; the predictors' counts per epoch (day) of their decision
        long old = Math.floorDiv(now.minus(Duration.ofDays(8)).toEpochMilli(), EPOCH.toMillis());
        long recent = Math.floorDiv(now.minus(Duration.ofHours(1)).toEpochMilli(), EPOCH.toMillis());
        long today = Math.floorDiv(now.toEpochMilli(), EPOCH.toMillis());
        Map<String, String> models = server.sync().hgetall(ModelRepository.MODELS);
        assertThat(models).containsEntry("t|coat|web", "3").containsEntry("p|coat|web", "1")
                .containsEntry("t|coat|web|" + old + "|tier|s:gold", "1").doesNotContainKey("p|coat|web|" + old + "|tier|s:gold")
                .containsEntry("t|coat|web|" + recent + "|tier|s:gold", "1").containsEntry("p|coat|web|" + recent + "|tier|s:gold", "1")
                .containsEntry("t|coat|web|" + recent + "|age|n:42", "1").containsEntry("t|coat|web|" + today + "|tier|s:silver", "1");
        ModelStore store = new ModelStore(repository, true);
        store.poll();
        assertThat(store.current().get("coat", Channel.WEB).trials()).isEqualTo(3);
        repository.close();
    }

    @Test
    void anOfferIsResetAndEverythingCanBeRebuiltFromTheStreams() throws InterruptedException {
        Replica a = new Replica("a");
        events(40, "coat", "t");
        events(30, "scarf", "t");
        await(Duration.ofSeconds(5), () -> a.trials("coat") == 40 && a.trials("scarf") == 30, "learned");

        a.repository.reset("coat", System.currentTimeMillis());
        await(Duration.ofSeconds(2), () -> a.trials("coat") == 0, "coat forgotten");
        assertThat(a.trials("scarf")).isEqualTo(30);
        events(5, "coat", "t");
        await(Duration.ofSeconds(2), () -> a.trials("coat") == 5, "coat learns again from new events");

        a.repository.reset(null, System.currentTimeMillis());
        // A rebuild reads every stream again from its start: 45 coat impressions, 30 scarf
        await(Duration.ofSeconds(5), () -> a.trials("coat") == 45 && a.trials("scarf") == 30, "rebuilt from the streams");
        assertThat(server.sync().hget(ModelRepository.MODELS, "t|coat|web")).isEqualTo("45");
    }

    @Test
    void contextualCountsOfEpochsTooOldToWeighAreDeleted() {
        ModelRepository repository = new ModelRepository(redis, Duration.ofSeconds(2));
        server.sync().hset(ModelRepository.MODELS, Map.of("t|coat|web", "9", "t|coat|web|100", "3", "t|coat|web|100|tier|s:gold", "3",
                "p|coat|web|100|tier|s:a|b", "1", "t|coat|web|131", "6", "t|coat|web|131|tier|s:gold", "6", "pos:0001", "1-0",
                "u|coat|web", "5"));

        assertThat(repository.prune(101)).isEqualTo(3);

        assertThat(server.sync().hkeys(ModelRepository.MODELS)).containsExactlyInAnyOrder("t|coat|web", "t|coat|web|131",
                "t|coat|web|131|tier|s:gold", "pos:0001", "u|coat|web");
        repository.close();
    }

    /** n decisions of {@code offer}, each an impression; {@code clicks} says whether the i-th with tier {@code gold} is clicked. */
    static void tiers(String offer, int from, int n, java.util.function.BiPredicate<Integer, Boolean> clicks) {
        Instant now = Instant.now();
        for (int i = from; i < from + n; i++) {
            boolean gold = i % 2 == 0;
            String x = "tier=s:" + (gold ? "gold" : "silver");
            event(offer + i, offer, "t", now, now, x);
            if (clicks.test(i, gold)) {
                event(offer + i, offer, "p", now, now, x);
            }
        }
    }

    @Test
    void theAucOfAContextualModelIsMeasuredOnResponsesItHadNotLearnedAndEveryReplicaReadsIt() {
        ModelRepository repository = new ModelRepository(redis, Duration.ofSeconds(2));
        ModelStore store = new ModelStore(repository, true);
        Learner learner = new Learner(repository, "l", LEASE, Duration.ofDays(7), 500, EPOCH, Clock.systemUTC(), store::current);
        // coat: gold clicks, silver does not; scarf: one in three clicks whatever the tier; hat: two golds in three click,
        // one silver in three (i % 6 runs through every tier and i % 3 once)
        tiers("coat", 0, 100, (i, gold) -> gold);
        tiers("scarf", 0, 300, (i, gold) -> i % 3 == 0);
        tiers("hat", 0, 102, (i, gold) -> gold == (i % 3 != 0));
        learner.poll();
        store.poll();
        assertThat(store.current().get("coat", Channel.WEB).contextual()).as("a table from the first batch").isNotNull();
        assertThat(store.current().get("coat", Channel.WEB).auc()).as("the first batch scored with no table yet: not reported").isNaN();

        // Scored by the tables built from the first batch, before they learn these
        tiers("coat", 100, 300, (i, gold) -> gold);
        tiers("scarf", 300, 300, (i, gold) -> i % 3 == 0);
        tiers("hat", 102, 300, (i, gold) -> gold == (i % 3 != 0));
        learner.poll();
        store.poll();

        double coat = Double.parseDouble(server.sync().hget(ModelRepository.MODELS, "a|coat|web"));
        assertThat(coat).as("the tier separates coat's clicks").isGreaterThan(0.8);
        assertThat(Double.parseDouble(server.sync().hget(ModelRepository.MODELS, "a|scarf|web"))).as("scarf's tier separates nothing")
                .isCloseTo(0.5, within(0.05));
        // hat's 300 scored: positives 100 gold, 50 silver; negatives 50 gold, 100 silver. A positive beats a negative in
        // (100 · (100 + 50/2) + 50 · 100/2) / (150 · 150) = 2/3 of pairs. Against all trials (π = 1/2) it would be 7/12.
        assertThat(Double.parseDouble(server.sync().hget(ModelRepository.MODELS, "a|hat|web"))).isCloseTo(2.0 / 3, within(0.001));
        assertThat(store.current().get("coat", Channel.WEB).auc()).as("the replica that follows the changes").isEqualTo(coat);
        ModelStore started = new ModelStore(repository, true);
        started.poll();
        assertThat(started.current().get("coat", Channel.WEB).auc()).as("a replica that loads the models whole").isEqualTo(coat);
        assertThat(started.current().get("scarf", Channel.WEB).auc()).isCloseTo(0.5, within(0.05));
        assertThat(started.current().get("coat", Channel.WEB).trials()).as("the AUC line is no evidence").isEqualTo(400);

        // Reset: the AUC goes with the evidence, and what was scored before it is not the new model's
        repository.reset("coat", System.currentTimeMillis());
        tiers("coat", 400, 100, (i, gold) -> gold);
        learner.poll();
        store.poll();
        assertThat(server.sync().hget(ModelRepository.MODELS, "a|coat|web")).isNull();
        assertThat(store.current().get("coat", Channel.WEB).trials()).isEqualTo(100);
        assertThat(store.current().get("coat", Channel.WEB).auc()).isNaN();
        repository.close();
    }
}
