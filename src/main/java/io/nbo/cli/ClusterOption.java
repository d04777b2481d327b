package io.nbo.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --redis-cluster}: whether {@code --redis} names the seed nodes of a Redis Cluster, as {@code nbo.redis.cluster} does for the service. */
final class ClusterOption {

    static final String ENV = "NBO_REDIS_CLUSTER";

    @Option(names = "--redis-cluster", arity = "0..1", paramLabel = "true|false", fallbackValue = "true",
            description = "--redis lists the seed nodes of a Redis Cluster, separated by commas (default: $" + ENV + ", else false).")
    private Boolean cluster;

    /** The option when given, else the environment variable. */
    boolean resolve(Map<String, String> env) {
        return cluster != null ? cluster : Boolean.parseBoolean(env.getOrDefault(ENV, "false").strip());
    }
}
