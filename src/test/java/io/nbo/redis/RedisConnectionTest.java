package io.nbo.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.nbo.testing.CapturedLogs;
import io.nbo.testing.RedisProbe;
import io.nbo.testing.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** How {@code nbo.redis.url} names one server or a cluster's seed nodes, and how connecting and waiting are bounded. */
class RedisConnectionTest {

    @Test
    void aFirstConnectionSlowerThanTheCommandTimeoutIsMadeAtOnceAndNotReportedAsUnreachable() throws Exception {
        try (RedisServer server = RedisServer.start(); CapturedLogs logs = CapturedLogs.start()) {
            // A handshake that takes 700 ms, as the first connection of a cold JVM on a busy machine can:
            // Redis is there and answers, later than a decision's 250 ms.
            CompletableFuture<Object> busy = RedisProbe.busyFor(server, 700);
            try (RedisConnection redis = RedisConnection.open(server.url(), Duration.ofMillis(250), null)) {
                assertThat(redis.isConnected()).as("connected on the first try").isTrue();
                assertThat(logs.lines()).noneMatch(l -> l.level().intValue() >= Level.WARNING.intValue()
                        && l.category().equals(RedisConnection.class.getName()));
                busy.get(5, TimeUnit.SECONDS);

                // Commands keep the command timeout, unless sent patiently (start-up, the scheduler, publishes).
                CompletableFuture<Object> again = RedisProbe.busyFor(server, 700);
                assertThatThrownBy(() -> redis.commands().get("k").get(5, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RedisCommandTimeoutException.class);
                assertThat(redis.patiently(Duration.ofSeconds(5), () -> redis.commands().set("k", "v")).get(5, TimeUnit.SECONDS))
                        .isEqualTo("OK");
                again.get(5, TimeUnit.SECONDS);
                assertThat(redis.commands().get("k").get(5, TimeUnit.SECONDS)).isEqualTo("v");
            }
        }
    }

    @Test
    void aRefusedConnectionSaysSoAndIsRetried() {
        try (CapturedLogs logs = CapturedLogs.start(); RedisConnection redis = RedisConnection.open("redis://127.0.0.1:1", Duration.ofMillis(250), null)) {
            assertThat(redis.isConnected()).isFalse();
            assertThat(logs.of(RedisConnection.class.getName())).anySatisfy(line -> assertThat(line)
                    .contains("no connection to Redis at 127.0.0.1:1 yet").containsIgnoringCase("refused").contains("retrying every second"));
        }
    }

    @Test
    void seedNodesAreSeparatedByCommasAndMayBeJustHostAndPort() {
        List<RedisURI> seeds = RedisConnection.seeds("redis://:secret@10.0.0.1:7000, 10.0.0.2:7001,redis://10.0.0.3:7002", Duration.ofMillis(250));

        assertThat(seeds).extracting(RedisURI::getHost).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
        assertThat(seeds).extracting(RedisURI::getPort).containsExactly(7000, 7001, 7002);
        assertThat(new String(seeds.get(0).getCredentialsProvider().resolveCredentials().block().getPassword())).isEqualTo("secret");
        // The URI's timeout bounds Lettuce's handshake: connecting gets its own, longer than a command's.
        assertThat(seeds).allSatisfy(s -> assertThat(s.getTimeout()).isEqualTo(RedisConnection.CONNECT_TIMEOUT));
        assertThat(RedisConnection.seeds("10.0.0.1:7000", Duration.ofSeconds(5))).allSatisfy(s -> assertThat(s.getTimeout())
                .isEqualTo(Duration.ofSeconds(5)));
    }

    @Test
    void severalAddressesWithoutTheClusterSwitchOrAnEmptyOneAreRefused() {
        assertThatThrownBy(() -> RedisConnection.open("redis://127.0.0.1:1,127.0.0.1:2", false, Duration.ofMillis(250), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nbo.redis.cluster=true");
        assertThatThrownBy(() -> RedisConnection.seeds("redis://127.0.0.1:1,,127.0.0.1:2", Duration.ofMillis(250)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }
}
