package io.nbo.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

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

    /** Keeps Redis busy (so it answers nobody) for ARGV[1] microseconds. */
    private static final String BUSY = """
            local t = redis.call('TIME')
            local from = t[1] * 1000000 + t[2]
            repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] - from > tonumber(ARGV[1])
            return 1
            """;

    /** Makes {@code server} busy for {@code ms} from another connection; returns when it has started. */
    public static CompletableFuture<Object> busyFor(RedisServer server, long ms) throws InterruptedException {
        RedisProbe probe = RedisProbe.of(server);
        CompletableFuture<Object> busy = CompletableFuture.supplyAsync(() -> {
            try (probe) {
                return probe.redis().eval(BUSY, ScriptOutputType.INTEGER, new String[0], String.valueOf(ms * 1000));
            }
        });
        Thread.sleep(100);
        return busy;
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
