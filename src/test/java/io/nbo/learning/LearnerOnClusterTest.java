package io.nbo.learning;

import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.model.Channel;
import io.nbo.redis.KeySchema;
import io.nbo.redis.RedisConnection;
import io.nbo.testing.RedisCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The learner on a real three-master Redis Cluster: each partition's stream on its own slot (read one XRANGE
 * each), the models, their changes and the lease on the {learning} slot, every increment learned once.
 */
class LearnerOnClusterTest {

    static RedisCluster cluster;
    static RedisConnection redis;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.start(3);
        redis = RedisConnection.open(cluster.url(), true, Duration.ofSeconds(2), null);
    }

    @AfterAll
    static void stop() {
        redis.close();
        cluster.close();
    }

    @Test
    void eventsOfPartitionsOnEveryMasterAreLearnedOnceAndReachTheStore() throws Exception {
        Instant now = Instant.now();
        Set<Integer> partitions = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            String customer = "cl-" + i;
            partitions.add(KeySchema.partition(customer));
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("eventId", "e-" + i);
            entry.put("type", "impression");
            entry.put("customerId", customer);
            entry.put("timestamp", now.toString());
            entry.put("offerId", "coat");
            entry.put("channel", "web");
            entry.put("attributed", "true");
            entry.put("learn", i % 4 == 0 ? "tp" : "t");
            entry.put("dt", String.valueOf(now.toEpochMilli()));
            entry.put("x", "tier=s:" + (i % 4 == 0 ? "gold" : "silver"));
            redis.commands().xadd(KeySchema.events(customer), entry).get(2, java.util.concurrent.TimeUnit.SECONDS);
        }
        ModelRepository repository = new ModelRepository(redis, Duration.ofSeconds(5));
        Learner learner = new Learner(repository, "only", Duration.ofSeconds(2), Duration.ofDays(7), 500, Duration.ofDays(1), Clock.systemUTC(),
                () -> Models.EMPTY);
        ModelStore store = new ModelStore(repository, true);

        assertThat(learner.poll().learned()).isEqualTo(60);
        assertThat(learner.poll().learned()).as("nothing twice").isZero();
        store.poll();

        Models.Model model = store.current().get("coat", Channel.WEB);
        assertThat(model.trials()).isEqualTo(60);
        assertThat(model.positives()).isEqualTo(15);
        assertThat(partitions).as("the events spread over many partitions").hasSizeGreaterThan(40);
        repository.close();
    }
}
