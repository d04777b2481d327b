package io.nbo.rules;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.nbo.redis.RedisConnection;
import io.nbo.redis.RedisScript;
import io.nbo.config.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Rule-set versions in Redis, shared by every replica. A version is immutable and named by the
 * content hash of its files; the active-version key is the source of truth, and a message on
 * {@link #CHANNEL} tells replicas at once that it changed. Before a version is made active, a
 * message on {@link #PREPARE_CHANNEL} asks every replica to compile it, and each one reports in
 * {@code prepared:VERSION}; live replicas say who they are and what they serve in {@code replicas}.
 * Every key carries the hash tag {@code {rules}}, so each script is atomic on a Redis Cluster too.
 *
 * <table>
 * <tr><th>key</th><th>type</th><th>holds</th></tr>
 * <tr><td>{@code nbo:{rules}:v:VERSION}</td><td>hash</td><td>{@code file:NAME} → text; author, message, createdAt</td></tr>
 * <tr><td>{@code nbo:{rules}:versions}</td><td>sorted set</td><td>version → first publish time (ms)</td></tr>
 * <tr><td>{@code nbo:{rules}:active}</td><td>string</td><td>the active version</td></tr>
 * <tr><td>{@code nbo:{rules}:history}</td><td>list</td><td>activations as JSON, newest first (1,000 kept)</td></tr>
 * <tr><td>{@code nbo:{rules}:folder}</td><td>string</td><td>hash of the rules folder last published from a replica's folder</td></tr>
 * <tr><td>{@code nbo:{rules}:prepared:VERSION}</td><td>hash</td><td>replica → {@code ok} or why it cannot compile the version (kept a day)</td></tr>
 * <tr><td>{@code nbo:{rules}:replicas}</td><td>hash</td><td>replica → "last seen (ms) version served"</td></tr>
 * </table>
 *
 * Calls block (with a timeout) and are made off the request path: at start, by the scheduler, by
 * the admin API's worker threads.
 */
public final class RuleSetStore {

    /** The pub/sub channel that carries each newly active version. */
    public static final String CHANNEL = "nbo:{rules}:changed";
    /** The pub/sub channel that asks every replica to compile a version before it is made active. */
    public static final String PREPARE_CHANNEL = "nbo:{rules}:prepare";
    /** What a replica reports when it has compiled a version and can swap to it at once. */
    public static final String READY = "ok";

    private static final String PREFIX = "nbo:{rules}:";
    private static final String VERSIONS = PREFIX + "versions";
    private static final String ACTIVE = PREFIX + "active";
    private static final String HISTORY = PREFIX + "history";
    private static final String FOLDER = PREFIX + "folder";
    private static final String REPLICAS = PREFIX + "replicas";
    private static final long PREPARED_TTL_SECONDS = 86_400;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    // In src/main/resources/redis/; each file's header names its KEYS and ARGV.
    private static final RedisScript STORE = RedisScript.of("ruleset-store", ScriptOutputType.INTEGER);
    private static final RedisScript ACTIVATE = RedisScript.of("ruleset-activate", ScriptOutputType.VALUE);

    /** A stored version: who published it first, when, why, and its files. */
    public record StoredVersion(String version, Instant createdAt, String author, String message, Map<String, String> files) {
    }

    /** A version without its files, for listings. */
    public record Summary(String version, Instant createdAt) {
    }

    /** A replica as it last reported itself: its id, the version it served then, and when. */
    public record Replica(String id, String version, Instant seenAt) {
    }

    private final RedisConnection redis;
    private volatile StatefulRedisPubSubConnection<String, String> subscription;

    public RuleSetStore(RedisConnection redis) {
        this.redis = redis;
        redis.preload(STORE, ACTIVATE);
    }

    private static String key(String version) {
        return PREFIX + "v:" + version;
    }

    /** The active version, or empty when nothing was ever published. */
    public Optional<String> activeVersion() {
        return Optional.ofNullable(await(() -> redis.commands().get(ACTIVE)));
    }

    public Optional<StoredVersion> load(String version) {
        Map<String, String> hash = await(() -> redis.commands().hgetall(key(version)));
        if (hash == null || hash.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> files = new TreeMap<>();
        hash.forEach((k, v) -> {
            if (k.startsWith("file:")) {
                files.put(k.substring("file:".length()), v);
            }
        });
        return Optional.of(new StoredVersion(hash.get("version"), Instant.ofEpochMilli(Long.parseLong(hash.get("createdAt"))),
                hash.get("author"), hash.get("message"), files));
    }

    /** Versions, newest first. */
    public List<Summary> list(int limit) {
        List<io.lettuce.core.ScoredValue<String>> scored = await(() -> redis.commands().zrevrangeWithScores(VERSIONS, 0, limit - 1L));
        List<Summary> out = new ArrayList<>();
        for (var s : scored) {
            out.add(new Summary(s.getValue(), Instant.ofEpochMilli((long) s.getScore())));
        }
        return out;
    }

    /** Activations, newest first, as stored (JSON objects). */
    public List<String> history(int limit) {
        return await(() -> redis.commands().lrange(HISTORY, 0, limit - 1L));
    }

    /**
     * Stores the version if new (versions are immutable), without making it active.
     *
     * @return true when it was new
     */
    public boolean store(String version, Map<String, String> files, String author, String message, Instant at) {
        List<String> args = new ArrayList<>(List.of(version, String.valueOf(at.toEpochMilli()), author, message,
                String.valueOf(files.size())));
        new TreeMap<>(files).forEach((name, text) -> {
            args.add(name);
            args.add(text);
        });
        Long stored = await(() -> STORE.<Long>run(redis.commands(), new String[] {key(version), VERSIONS},
                args.toArray(String[]::new)).toCompletableFuture());
        return stored != null && stored == 1;
    }

    /** Asks every replica to compile a stored version and report in {@link #prepared(String)}. */
    public void announce(String version) {
        await(() -> redis.commands().publish(PREPARE_CHANNEL, version));
    }

    /** Records what a replica made of an announced version: {@link #READY}, or why it cannot serve it. */
    public void reportPrepared(String version, String replica, String outcome) {
        String key = PREFIX + "prepared:" + version;
        await(() -> redis.commands().hset(key, replica, outcome));
        await(() -> redis.commands().expire(key, PREPARED_TTL_SECONDS));
    }

    /** Replica → outcome, for every replica that has reported on the version. */
    public Map<String, String> prepared(String version) {
        return await(() -> redis.commands().hgetall(PREFIX + "prepared:" + version));
    }

    /** Says that this replica is alive and serves {@code version} ("" for none). */
    public void heartbeat(String replica, String version, Instant at) {
        await(() -> redis.commands().hset(REPLICAS, replica, at.toEpochMilli() + " " + version));
    }

    /** Removes a replica that stops, so no publish waits for it. */
    public void leave(String replica) {
        await(() -> redis.commands().hdel(REPLICAS, replica));
    }

    /** Every replica that has reported itself, and prunes those not seen since {@code forgetBefore}. */
    public List<Replica> replicas(Instant forgetBefore) {
        Map<String, String> all = await(() -> redis.commands().hgetall(REPLICAS));
        List<Replica> out = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        all.forEach((id, value) -> {
            int space = value.indexOf(' ');
            Instant seen = Instant.ofEpochMilli(Long.parseLong(space < 0 ? value : value.substring(0, space)));
            if (seen.isBefore(forgetBefore)) {
                gone.add(id);
            } else {
                out.add(new Replica(id, space < 0 ? "" : value.substring(space + 1), seen));
            }
        });
        if (!gone.isEmpty()) {
            await(() -> redis.commands().hdel(REPLICAS, gone.toArray(String[]::new)));
        }
        out.sort(java.util.Comparator.comparing(Replica::id));
        return out;
    }

    /**
     * Makes an existing version active again (a rollback) and tells every replica.
     *
     * @return the previously active version, or empty when the version does not exist
     */
    public Optional<String> activate(String version, String author, String message, Instant at) {
        String previous = await(() -> ACTIVATE.<String>run(redis.commands(), new String[] {key(version), ACTIVE, HISTORY},
                version, String.valueOf(at.toEpochMilli()), author, message, CHANNEL).toCompletableFuture());
        return Optional.ofNullable(previous);
    }

    /** The hash of the folder content last published from a folder, so a restart does not undo a rollback. */
    public Optional<String> lastPublishedFolder() {
        return Optional.ofNullable(await(() -> redis.commands().get(FOLDER)));
    }

    public void setLastPublishedFolder(String hash) {
        await(() -> redis.commands().set(FOLDER, hash));
    }

    /**
     * Calls {@code onChange} with each newly active version and {@code onPrepare} with each announced
     * one; true when subscribed. Safe to call again.
     */
    public synchronized boolean subscribe(Consumer<String> onChange, Consumer<String> onPrepare) {
        if (subscription != null && subscription.isOpen()) {
            return true;
        }
        try {
            StatefulRedisPubSubConnection<String, String> c = redis.connectPubSub();
            c.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    (PREPARE_CHANNEL.equals(channel) ? onPrepare : onChange).accept(message);
                }
            });
            c.sync().subscribe(CHANNEL, PREPARE_CHANNEL);
            subscription = c;
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Closes the subscription (on shutdown). */
    public synchronized void close() {
        if (subscription != null) {
            subscription.closeAsync();
            subscription = null;
        }
    }

    /** Sends a command with {@link #TIMEOUT} to answer (not a decision's command timeout) and waits for it. */
    private <T> T await(java.util.function.Supplier<? extends java.util.concurrent.Future<T>> command) {
        try {
            return redis.patiently(TIMEOUT, command).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while talking to Redis");
        } catch (ExecutionException | TimeoutException e) {
            throw new StoreUnavailableException("rule-set store: " + (e.getCause() == null ? e : e.getCause()).getMessage());
        }
    }

}
