package io.nbo.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.metrics.MicrometerCommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerOptions;
import io.lettuce.core.protocol.CommandArgsAccessor;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.nbo.config.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one long-lived, thread-safe Lettuce connection (no pool: Lettuce multiplexes), to one Redis
 * server or to a Redis Cluster. Commands time out after a short, explicit timeout and fail at once
 * while disconnected, so callers can degrade. When Redis is down at start, it keeps trying to
 * connect in the background.
 */
public final class RedisConnection implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisConnection.class.getName());
    /**
     * How long connecting may take, TCP and Redis' handshake (HELLO, CLIENT SETINFO) together. Not the
     * command timeout: the first connection of a cold JVM on a busy machine can take longer than a
     * decision's 250 ms while Redis answers at once, and was then reported as Redis being unreachable.
     */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** A longer timeout for the commands this thread dispatches, set by {@link #patiently}. */
    private static final ThreadLocal<Long> PATIENCE = new ThreadLocal<>();
    /** How often a cluster client reads the topology even when nothing told it to (a failover, a resharding usually do). */
    static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(30);

    // Exactly one of the two: a single server, or a cluster.
    private final RedisClient client;
    private final RedisClusterClient clusterClient;
    private final ClientResources resources;
    private final List<RedisURI> uris;
    // host:port of each seed, built once: every guarded call names it to the breaker.
    private final String address;
    private final ScheduledExecutorService retry;
    private volatile StatefulConnection<String, String> connection;
    private volatile RedisClusterAsyncCommands<String, String> commands;
    private volatile String lastError = "not connected yet";
    private volatile RedisBreaker breaker;
    // Scripts (by SHA1) allowed longer than the command timeout: each call of a large batch waits behind the rest.
    private final java.util.Map<String, Long> longer = new java.util.concurrent.ConcurrentHashMap<>();
    // Scripts loaded as the connection comes up (and at once when it is up already).
    private final java.util.Set<RedisScript> preloaded = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private RedisConnection(List<RedisURI> uris, boolean cluster, Duration timeout, MeterRegistry registry) {
        this.uris = uris;
        this.address = String.join(",", uris.stream().map(u -> u.getHost() + ":" + u.getPort()).toList());
        // Reconnect within a second of Redis' return, however long it was away (Lettuce's default backs off to 30 s).
        ClientResources.Builder builder = DefaultClientResources.builder()
                .reconnectDelay(io.lettuce.core.resource.Delay.equalJitter(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS));
        if (registry != null) {
            builder.commandLatencyRecorder(new MicrometerCommandLatencyRecorder(registry,
                    MicrometerOptions.builder().histogram(true).build()));
        }
        this.resources = builder.build();
        long defaultNanos = timeout.toNanos();
        ClientOptions options = ClientOptions.builder()
                .timeoutOptions(TimeoutOptions.builder().timeoutCommands(true).timeoutSource(new TimeoutOptions.TimeoutSource() {
                    @Override
                    public long getTimeout(RedisCommand<?, ?, ?> command) {
                        // Read where the command is dispatched, on the caller's thread.
                        Long patience = PATIENCE.get();
                        if (patience != null) {
                            return patience;
                        }
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
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
                .build();
        if (cluster) {
            this.client = null;
            this.clusterClient = RedisClusterClient.create(resources, uris);
            // Follows a failover or a resharding: on MOVED/ASK redirects and reconnects at once, and periodically.
            clusterClient.setOptions(ClusterClientOptions.builder(options)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(TOPOLOGY_REFRESH)
                            .enableAllAdaptiveRefreshTriggers()
                            .build())
                    .build());
        } else {
            this.client = RedisClient.create(resources, uris.get(0));
            this.clusterClient = null;
            client.setOptions(options);
        }
        this.retry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nbo-redis-connect");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens the connection to one Redis server at {@code url} (e.g. {@code redis://127.0.0.1:6379}).
     * Never fails for an unreachable server: it retries every second until it connects.
     *
     * @param registry where Lettuce's command latency goes; null for none
     */
    public static RedisConnection open(String url, Duration timeout, MeterRegistry registry) {
        return open(url, false, timeout, registry);
    }

    /**
     * Opens the connection to one Redis server, or with {@code cluster} to a Redis Cluster, whose
     * seed nodes {@code url} lists separated by commas ({@code redis://10.0.0.1:6379,10.0.0.2:6379};
     * an entry may be just {@code host:port}, and the first entry's credentials serve every node).
     * Never fails for an unreachable server: it retries every second until it connects.
     *
     * @param registry where Lettuce's command latency goes; null for none
     * @throws IllegalArgumentException when {@code url} is not a Redis URL, or lists several without {@code cluster}
     */
    public static RedisConnection open(String url, boolean cluster, Duration timeout, MeterRegistry registry) {
        List<RedisURI> uris = seeds(url, timeout);
        if (!cluster && uris.size() > 1) {
            // Not the URL itself in the message: it may carry a password.
            throw new IllegalArgumentException(uris.size() + " Redis addresses are for a Redis Cluster (nbo.redis.cluster=true)");
        }
        RedisConnection redis = new RedisConnection(uris, cluster, timeout, registry);
        redis.tryConnect();
        return redis;
    }

    static List<RedisURI> seeds(String url, Duration timeout) {
        List<RedisURI> uris = new ArrayList<>();
        for (String part : url.split(",")) {
            String seed = part.strip();
            if (seed.isEmpty()) {
                throw new IllegalArgumentException("an empty address in the comma-separated Redis addresses");
            }
            RedisURI uri = RedisURI.create(seed.contains("://") ? seed : "redis://" + seed);
            // Lettuce bounds the handshake by the URI's timeout; commands get theirs from the TimeoutOptions.
            uri.setTimeout(timeout.compareTo(CONNECT_TIMEOUT) > 0 ? timeout : CONNECT_TIMEOUT);
            uris.add(uri);
        }
        return List.copyOf(uris);
    }

    private void tryConnect() {
        try {
            StatefulConnection<String, String> c = clusterClient != null ? clusterClient.connect() : client.connect();
            RedisClusterAsyncCommands<String, String> async = commandsOf(c);
            commands = async;
            connection = c;
            // On a cluster, SCRIPT LOAD goes to every master; a master that joins later gets a script on its first NOSCRIPT.
            preloaded.forEach(script -> script.load(async));
            LOG.info(() -> "connected to Redis at " + safeAddress());
            retry.shutdown();
        } catch (RuntimeException e) {
            // Lettuce says "Unable to connect to HOST:PORT" whatever happened; the cause says what: refused, or too slow.
            lastError = rootMessage(e);
            LOG.log(Level.WARNING, "no connection to Redis at {0} yet: {1}; retrying every second", new Object[] {safeAddress(), lastError});
            if (!retry.isShutdown()) {
                retry.schedule(this::tryConnect, 1, TimeUnit.SECONDS);
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == e ? message : e.getMessage() + " (" + message + ")";
    }

    /**
     * Runs {@code call}, whose commands (dispatched on this thread) may each take up to {@code timeout}
     * instead of the command timeout: for work off the request path (start-up, the scheduler, a
     * publish), which a cold or busy JVM can make slower than a decision's budget.
     */
    public <T> T patiently(Duration timeout, java.util.function.Supplier<T> call) {
        Long previous = PATIENCE.get();
        PATIENCE.set(timeout.toNanos());
        try {
            return call.get();
        } finally {
            if (previous == null) {
                PATIENCE.remove();
            } else {
                PATIENCE.set(previous);
            }
        }
    }

    /**
     * The async commands of the shared connection. On a cluster, each command goes to the master of
     * its key's slot; a script goes to the slot of its first key, so all its keys must share a hash tag.
     */
    public RedisClusterAsyncCommands<String, String> commands() {
        RedisClusterAsyncCommands<String, String> c = commands;
        if (c == null) {
            throw notConnected();
        }
        return c;
    }

    /** The async commands of a connection of either kind (one from {@link #newConnection()}). */
    public static RedisClusterAsyncCommands<String, String> commandsOf(StatefulConnection<String, String> connection) {
        if (connection instanceof StatefulRedisClusterConnection<String, String> cluster) {
            return cluster.async();
        }
        return ((StatefulRedisConnection<String, String>) connection).async();
    }

    /** Whether this connection is to a Redis Cluster. */
    public boolean isCluster() {
        return clusterClient != null;
    }

    /**
     * Runs a Redis call so that every Redis failure, thrown or completed, is a
     * {@link StoreUnavailableException}: the caller can degrade, or answer 503 and let the client retry.
     */
    public <T> CompletionStage<T> guarded(java.util.function.Supplier<CompletionStage<T>> call) {
        RedisBreaker b = breaker;
        return b == null ? translated(call) : b.call(address, () -> translated(call));
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
            if (cause instanceof StoreUnavailableException r) {
                throw r;
            }
            if (cause instanceof io.lettuce.core.RedisException) {
                throw new StoreUnavailableException("Redis at " + safeAddress() + " failed: " + cause.getMessage());
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

    /**
     * Loads scripts into Redis ahead of their first call, so it does not pay for the fallback: at once
     * when connected, else as soon as the connection comes up.
     */
    public void preload(RedisScript... scripts) {
        preloaded.addAll(List.of(scripts));
        RedisClusterAsyncCommands<String, String> c = commands;
        if (c != null) {
            try {
                for (RedisScript script : scripts) {
                    script.load(c);
                }
            } catch (RuntimeException e) {
                // Not loaded now: the first call loads it.
                LOG.log(Level.FINE, "scripts not preloaded", e);
            }
        }
    }

    /**
     * The shared connection itself, for batches written in one go ({@link RedisScript#runAll}); on a
     * cluster each command of a batch still goes to the master of its slot.
     */
    StatefulConnection<String, String> stateful() {
        StatefulConnection<String, String> c = connection;
        if (c == null) {
            throw notConnected();
        }
        return c;
    }

    private StoreUnavailableException notConnected() {
        return new StoreUnavailableException("Redis at " + safeAddress() + " is not reachable: " + lastError);
    }

    /** Whether the connection is up now. */
    public boolean isConnected() {
        StatefulConnection<String, String> c = connection;
        return c != null && c.isOpen();
    }

    public CompletionStage<String> ping() {
        return commands().ping();
    }

    /** host:port (on a cluster, of each seed node, separated by commas), without credentials, for logs and health. */
    public String safeAddress() {
        return address;
    }

    /**
     * A new publish/subscribe connection (Lettuce subscribes again by itself after a reconnect). On a
     * cluster it is to one node: Redis Cluster carries every PUBLISH to all nodes.
     */
    public io.lettuce.core.pubsub.StatefulRedisPubSubConnection<String, String> connectPubSub() {
        return clusterClient != null ? clusterClient.connectPubSub() : client.connectPubSub();
    }

    /**
     * A new dedicated connection, e.g. for an importer that pipelines with auto-flush off; its
     * commands through {@link #commandsOf}.
     */
    public StatefulConnection<String, String> newConnection() {
        return clusterClient != null ? clusterClient.connect() : client.connect();
    }

    @Override
    public void close() {
        retry.shutdownNow();
        StatefulConnection<String, String> c = connection;
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
            AbstractRedisClient any = clusterClient != null ? clusterClient : client;
            any.shutdownAsync(0, 2, TimeUnit.SECONDS).get(3, TimeUnit.SECONDS);
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Redis client did not stop in time: {0}", e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
