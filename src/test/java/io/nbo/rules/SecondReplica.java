package io.nbo.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nbo.offers.OfferCatalogLoader;
import io.nbo.redis.RedisConnection;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Another replica of nbo's rule lifecycle in the test's own process, on a Redis connection of the
 * test's (a single server or a cluster): it follows publishes by pub/sub and reports itself live
 * every half second, as the scheduler of a real one does, so a publish waits for it.
 */
public final class SecondReplica implements AutoCloseable {

    private final ActiveRuleSet rules;
    private final RuleSetRollout rollout;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "second-replica-heartbeat");
        t.setDaemon(true);
        return t;
    });

    private SecondReplica(ActiveRuleSet rules, RuleSetRollout rollout) {
        this.rules = rules;
        this.rollout = rollout;
        heartbeats.scheduleWithFixedDelay(rollout::heartbeat, 0, 500, TimeUnit.MILLISECONDS);
    }

    /** Starts replica {@code id} on {@code redis}, converged on the active version and reporting itself live. */
    public static SecondReplica start(RedisConnection redis, String id) {
        RuleSetMeters meters = new RuleSetMeters(new SimpleMeterRegistry());
        ActiveRuleSet rules = new ActiveRuleSet(meters);
        RuleSetRollout rollout = new RuleSetRollout(new RuleSetValidator(new RuleSetCompiler(OfferCatalogLoader.standalone(), Clock.systemUTC()),
                (candidate, files) -> List.of(), meters), new RuleSetStore(redis), rules, id, Duration.ofSeconds(30), Duration.ofSeconds(1));
        rollout.follow();
        return new SecondReplica(rules, rollout);
    }

    /** The version this replica serves. */
    public String version() {
        return rules.current().version();
    }

    /** Waits up to a second for this replica to serve {@code version}. */
    public void awaitVersion(String version) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(1);
        while (!version.equals(version()) && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        assertThat(version()).as("the version the second replica serves").isEqualTo(version);
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
        rollout.onStop(null);
    }
}
