package io.nbo.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;

/** A plain synchronous Redis connection, for tests to look at (or set up) what nbo keeps in Redis. */
public final class RedisProbe implements AutoCloseable {

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    private RedisProbe(String url) {
        client = RedisClient.create(url);
        connection = client.connect();
        connection.setTimeout(Duration.ofSeconds(5));
    }

    /** Connects to the Redis of the application under test. */
    public static RedisProbe ofApp() {
        return new RedisProbe(RedisServerResource.current().url());
    }

    /** Connects to one server, e.g. one node of a {@link RedisCluster} (its own commands, not the cluster's). */
    public static RedisProbe of(RedisServer server) {
        return new RedisProbe(server.url());
    }

    public RedisCommands<String, String> redis() {
        return connection.sync();
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
