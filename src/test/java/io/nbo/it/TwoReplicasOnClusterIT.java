package io.nbo.it;

import io.nbo.testing.RedisCluster;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link TwoReplicasIT} on a real Redis Cluster of three masters: two packaged nbo processes with
 * {@code NBO_REDIS_CLUSTER=true} converge on every version published to either.
 */
class TwoReplicasOnClusterIT extends TwoReplicasIT {

    // Hides TwoReplicasIT's start on one Redis (JUnit runs a hidden @BeforeAll only once, this one).
    @BeforeAll
    static void startTwoReplicas() throws Exception {
        RedisCluster cluster = RedisCluster.start(3);
        startReplicas(cluster, Map.of("NBO_REDIS_CLUSTER", "true", "NBO_REDIS_URL", cluster.url()));
    }
}
