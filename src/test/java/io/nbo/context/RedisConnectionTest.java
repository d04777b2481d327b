package io.nbo.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@code nbo.redis.url} names one server or a cluster's seed nodes. */
class RedisConnectionTest {

    @Test
    void seedNodesAreSeparatedByCommasAndMayBeJustHostAndPort() {
        List<RedisURI> seeds = RedisConnection.seeds("redis://:secret@10.0.0.1:7000, 10.0.0.2:7001,redis://10.0.0.3:7002", Duration.ofMillis(250));

        assertThat(seeds).extracting(RedisURI::getHost).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
        assertThat(seeds).extracting(RedisURI::getPort).containsExactly(7000, 7001, 7002);
        assertThat(new String(seeds.get(0).getCredentialsProvider().resolveCredentials().block().getPassword())).isEqualTo("secret");
        assertThat(seeds).allSatisfy(s -> assertThat(s.getTimeout()).isEqualTo(Duration.ofMillis(250)));
    }

    @Test
    void severalAddressesWithoutTheClusterSwitchOrAnEmptyOneAreRefused() {
        assertThatThrownBy(() -> RedisConnection.open("redis://127.0.0.1:1,127.0.0.1:2", false, Duration.ofMillis(250), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nbo.redis.cluster=true");
        assertThatThrownBy(() -> RedisConnection.seeds("redis://127.0.0.1:1,,127.0.0.1:2", Duration.ofMillis(250)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }
}
