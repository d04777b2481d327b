package io.nbo.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Starts a real three-master {@link RedisCluster} for a {@code @QuarkusTest} and points nbo at it with the cluster client. */
public class RedisClusterResource implements QuarkusTestResourceLifecycleManager {

    private static volatile RedisCluster current;
    private RedisCluster cluster;

    /** The cluster of the application under test. */
    public static RedisCluster current() {
        return current;
    }

    @Override
    public Map<String, String> start() {
        cluster = RedisCluster.start(3);
        current = cluster;
        return Map.of("nbo.redis.url", cluster.url(), "nbo.redis.cluster", "true");
    }

    @Override
    public void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }
}
