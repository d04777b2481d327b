package io.nbo.context;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.metrics.MicrometerCommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerOptions;
import io.lettuce.core.protocol.CommandArgsAccessor;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one long-lived, thread-safe Lettuce connection (no pool: Lettuce multiplexes). Commands time
 * out after a short, explicit timeout and fail at once while disconnected, so callers can degrade.
 * When Redis is down at start, it keeps trying to connect in the background.
 */
public final class RedisConnection implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisConnection.class.getName());

    private final RedisClient client;
    private final ClientResources resources;
    private final RedisURI uri;
    private final ScheduledExecutorService retry;
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile String lastError = "not connected yet";
    private volatile RedisBreaker breaker;
    // Scripts (by SHA1) allowed longer than the command timeout: each call of a large batch waits behind the rest.
    private final java.util.Map<String, Long> longer = new java.util.concurrent.ConcurrentHashMap<>();

    private RedisConnection(RedisURI uri, Duration timeout, MeterRegistry registry) {
        this.uri = uri;
        // Reconnect within a second of Redis' return, however long it was away (Lettuce's default backs off to 30 s).
        ClientResources.Builder builder = DefaultClientResources.builder()
                .reconnectDelay(io.lettuce.core.resource.Delay.equalJitter(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS));
        if (registry != null) {
            builder.commandLatencyRecorder(new MicrometerCommandLatencyRecorder(registry,
                    MicrometerOptions.builder().histogram(true).build()));
        }
        this.resources = builder.build();
        this.client = RedisClient.create(resources, uri);
        long defaultNanos = timeout.toNanos();
        client.setOptions(ClientOptions.builder()
                .timeoutOptions(TimeoutOptions.builder().timeoutCommands(true).timeoutSource(new TimeoutOptions.TimeoutSource() {
                    @Override
                    public long getTimeout(RedisCommand<?, ?, ?> command) {
                        if (!longer.isEmpty() && command.getType() == CommandType.EVALSHA) {
                            Long nanos = longer.get(CommandArgsAccessor.getFirstString(command.getArgs()));
                            if (nanos != null) {
                                return nanos;
                            }
                        }
                        return defaultNanos;
                    }

                    @Override
                    public TimeUnit getTimeUnit() {
                        return TimeUnit.NANOSECONDS;
                    }
                }).build())
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build())
                .build());
        this.retry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nbo-redis-connect");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens the connection to {@code url} (e.g. {@code redis://127.0.0.1:6379}). Never fails for an
     * unreachable server: it retries every second until it connects.
     *
     * @param registry where Lettuce's command latency goes; null for none
     */
    public static RedisConnection open(String url, Duration timeout, MeterRegistry registry) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(timeout);
        RedisConnection redis = new RedisConnection(uri, timeout, registry);
        redis.tryConnect();
        return redis;
    }

    private void tryConnect() {
        try {
            StatefulRedisConnection<String, String> c = client.connect();
            connection = c;
            CustomerContextRepository.loadScripts(c.async());
            LOG.info(() -> "connected to Redis at " + safeAddress());
            retry.shutdown();
        } catch (RuntimeException e) {
            lastError = e.getMessage();
            LOG.log(Level.WARNING, "cannot reach Redis at {0}: {1}; retrying every second", new Object[] {safeAddress(), e.getMessage()});
            if (!retry.isShutdown()) {
                retry.schedule(this::tryConnect, 1, TimeUnit.SECONDS);
            }
        }
    }

    /** The async commands of the shared connection. */
    public RedisAsyncCommands<String, String> commands() {
        return stateful().async();
    }

    /**
     * Runs a Redis call so that every Redis failure, thrown or completed, is a
     * {@link RedisUnavailableException}: the caller can degrade, or answer 503 and let the client retry.
     */
    public <T> CompletionStage<T> guarded(java.util.function.Supplier<CompletionStage<T>> call) {
        RedisBreaker b = breaker;
        return b == null ? translated(call) : b.call(safeAddress(), () -> translated(call));
    }

    /**
     * Puts a circuit breaker in front of every {@link #guarded} call: while Redis keeps failing,
     * calls fail at once instead of each waiting for the timeout. Without one, every call is tried.
     */
    public void protectWith(RedisBreaker breaker) {
        this.breaker = breaker;
    }

    /** The circuit breaker, if any. */
    public java.util.Optional<RedisBreaker> breaker() {
        return java.util.Optional.ofNullable(breaker);
    }

    private <T> CompletionStage<T> translated(java.util.function.Supplier<CompletionStage<T>> call) {
        CompletionStage<T> stage;
        try {
            stage = call.get();
        } catch (RuntimeException e) {
            stage = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        return stage.handle((value, error) -> {
            if (error == null) {
                return value;
            }
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof RedisUnavailableException r) {
                throw r;
            }
            if (cause instanceof io.lettuce.core.RedisException) {
                throw new RedisUnavailableException("Redis at " + safeAddress() + " failed: " + cause.getMessage());
            }
            throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
        });
    }

    /**
     * Lets calls of a script by its SHA1 take up to {@code timeout} instead of the command timeout,
     * e.g. for batches whose calls queue behind each other in Redis. (The rare fallback by text keeps
     * the command timeout.)
     */
    public void allowLonger(RedisScript script, Duration timeout) {
        longer.put(script.sha(), timeout.toNanos());
    }

    /** The shared connection itself, for batches written in one go ({@link RedisScript#runAll}). */
    StatefulRedisConnection<String, String> stateful() {
        StatefulRedisConnection<String, String> c = connection;
        if (c == null) {
            throw new RedisUnavailableException("Redis at " + safeAddress() + " is not reachable: " + lastError);
        }
        return c;
    }

    /** Whether the connection is up now. */
    public boolean isConnected() {
        StatefulRedisConnection<String, String> c = connection;
        return c != null && c.isOpen();
    }

    public CompletionStage<String> ping() {
        return commands().ping();
    }

    /** host:port, without credentials, for logs and health. */
    public String safeAddress() {
        return uri.getHost() + ":" + uri.getPort();
    }

    /** A new publish/subscribe connection (Lettuce subscribes again by itself after a reconnect). */
    public io.lettuce.core.pubsub.StatefulRedisPubSubConnection<String, String> connectPubSub() {
        return client.connectPubSub();
    }

    /** A new dedicated connection, e.g. for an importer that pipelines with auto-flush off. */
    public StatefulRedisConnection<String, String> newConnection() {
        return client.connect();
    }

    @Override
    public void close() {
        retry.shutdownNow();
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            try {
                c.closeAsync().get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.log(Level.FINE, "Redis connection did not close cleanly", e);
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        // Bounded: an unbounded shutdown of Lettuce's event loops can hang the JVM on stop.
        try {
            client.shutdownAsync(0, 2, TimeUnit.SECONDS).get(3, TimeUnit.SECONDS);
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Redis client did not stop in time: {0}", e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
