package io.nbo.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts a real redis-server for a {@code @QuarkusTest} and points {@code nbo.redis.url} at it. With
 * the argument {@code durable=true} the server keeps an AOF, so a kill loses nothing it acknowledged.
 */
public class RedisServerResource implements QuarkusTestResourceLifecycleManager {

    private static volatile RedisServer current;
    private RedisServer server;
    private boolean durable;

    @Override
    public void init(Map<String, String> initArgs) {
        durable = Boolean.parseBoolean(initArgs.getOrDefault("durable", "false"));
    }

    /** The server of the application under test, so a test can stop and restart it. */
    public static RedisServer current() {
        return current;
    }

    @Override
    public Map<String, String> start() {
        server = RedisServer.start(durable);
        current = server;
        return Map.of("nbo.redis.url", server.url());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
