package io.nbo.testing;

import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Redis for a test class, as a JUnit 5 extension: what the class opens on it is closed after its
 * last test, and a server of its own is stopped then.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final RealRedis server = RealRedis.start();   // a redis-server of the class's own, on a free loopback port
 * static final RedisConnection redis = server.closedAfterAll(RedisConnection.open(server.url(), Duration.ofSeconds(1), null));
 *
 * &#64;RegisterExtension
 * static final RealRedis redis = RealRedis.ofApp();    // the &#64;QuarkusTest application's ({@link RedisServerResource})
 * ... redis.sync().hgetall(key) ...
 * </pre>
 *
 * A test may {@link RedisServer#kill() kill}, {@link RedisServer#restart() restart} or
 * {@link RedisServer#freeze() freeze} the {@link #server()}.
 */
public final class RealRedis implements AfterAllCallback {

    private final Supplier<RedisServer> server;
    private final RedisServer owned;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private RedisProbe probe;

    private RealRedis(Supplier<RedisServer> server, RedisServer owned) {
        this.server = server;
        this.owned = owned;
    }

    /**
     * Starts a redis-server of the test class's own now, as the class is initialised (so its static
     * fields can connect to it), and stops it after the class's last test.
     */
    public static RealRedis start() {
        RedisServer started = RedisServer.start();
        return new RealRedis(() -> started, started);
    }

    /**
     * The redis-server of the {@code @QuarkusTest} application under test, started by
     * {@link RedisServerResource}: looked up on first use, and left to the resource to stop.
     */
    public static RealRedis ofApp() {
        return new RealRedis(() -> {
            RedisServer current = RedisServerResource.current();
            if (current == null) {
                throw new IllegalStateException("no application Redis: annotate the class with @QuarkusTestResource(RedisServerResource.class)");
            }
            return current;
        }, null);
    }

    /** The server, to stop, freeze or restart. */
    public RedisServer server() {
        return server.get();
    }

    public String url() {
        return server().url();
    }

    /** Plain synchronous Redis commands, to look at (or set up) what nbo keeps; one connection, opened on first use. */
    public synchronized RedisCommands<String, String> sync() {
        if (probe == null) {
            probe = closedAfterAll(RedisProbe.of(server()));
        }
        return probe.redis();
    }

    /** Closes {@code resource} (e.g. a connection) after the class's last test, before the server stops; returns it. */
    public synchronized <T extends AutoCloseable> T closedAfterAll(T resource) {
        opened.push(resource);
        return resource;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Exception failed = null;
        synchronized (this) {
            while (!opened.isEmpty()) {
                try {
                    opened.pop().close();
                } catch (Exception e) {
                    if (failed == null) {
                        failed = e;
                    } else {
                        failed.addSuppressed(e);
                    }
                }
            }
            probe = null;
        }
        if (owned != null) {
            owned.close();
        }
        if (failed != null) {
            throw failed;
        }
    }
}
