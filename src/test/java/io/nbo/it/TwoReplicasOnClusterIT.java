package io.nbo.it;

import io.nbo.testing.RedisCluster;
import java.util.Map;

/**
 * {@link TwoReplicasIT} on a real Redis Cluster of three masters: two packaged nbo processes with
 * {@code NBO_REDIS_CLUSTER=true} converge on every version published to either.
 */
class TwoReplicasOnClusterIT extends TwoReplicasIT {

    @Override
    AutoCloseable startStore(Map<String, String> env) {
        RedisCluster cluster = RedisCluster.start(3);
        env.put("NBO_REDIS_CLUSTER", "true");
        env.put("NBO_REDIS_URL", cluster.url());
        return cluster;
    }
}
