package io.nbo.context;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.nbo.model.CustomerData;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Reads and writes customer context in Redis (see {@link KeySchema}). A read is one script call, so
 * one round trip and a consistent snapshot; a write replaces every key of the customer atomically.
 */
public final class CustomerContextRepository {

    private static final RedisScript LOAD = new RedisScript("""
            local recent = tonumber(ARGV[1])
            return {
              redis.call('HGETALL', KEYS[1]),
              redis.call('HGETALL', KEYS[2]),
              redis.call('HGETALL', KEYS[3]),
              redis.call('GET', KEYS[4]) or '',
              redis.call('LRANGE', KEYS[5], 0, recent - 1)
            }
            """, ScriptOutputType.MULTI);

    // Replaces the context; contact history, applied event ids and the journey stay (they are the policies' memory).
    private static final RedisScript UPSERT = new RedisScript("""
            redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
            local i = 1
            for k = 1, 3 do
              local n = tonumber(ARGV[i])
              i = i + 1
              if n > 0 then
                redis.call('HSET', KEYS[k], unpack(ARGV, i, i + 2 * n - 1))
              end
              i = i + 2 * n
            end
            if ARGV[i] ~= '' then
              redis.call('SET', KEYS[4], ARGV[i])
            end
            i = i + 1
            local n = tonumber(ARGV[i])
            i = i + 1
            if n > 0 then
              redis.call('RPUSH', KEYS[5], unpack(ARGV, i, i + n - 1))
            end
            return 1
            """, ScriptOutputType.INTEGER);

    private final RedisConnection redis;
    private final String recentLimit;

    /**
     * @param recentLimit how many recent events a decision reads (newest first)
     */
    public CustomerContextRepository(RedisConnection redis, int recentLimit) {
        this.redis = redis;
        this.recentLimit = String.valueOf(recentLimit);
    }

    /**
     * Loads everything stored for a customer in one round trip; empty when nothing is stored. Fails
     * with {@link RedisUnavailableException} when Redis is down or too slow.
     */
    public CompletionStage<Optional<StoredCustomer>> load(String customerId) {
        return guarded(() -> LOAD.<List<Object>>run(redis.commands(), KeySchema.keys(customerId), recentLimit)
                .thenApply(reply -> CustomerCodec.fromReply(customerId, reply)));
    }

    /** Replaces everything stored for a customer, atomically. */
    public CompletionStage<Void> upsert(String customerId, CustomerData data, Instant updatedAt) {
        return guarded(() -> upsert(redis.commands(), customerId, data, updatedAt));
    }

    /** The same, on given commands (a pipelining importer passes its own connection). */
    public static CompletionStage<Void> upsert(RedisAsyncCommands<String, String> commands, String customerId,
                                               CustomerData data, Instant updatedAt) {
        return UPSERT.<Long>run(commands, KeySchema.keys(customerId), CustomerCodec.upsertArgs(data, updatedAt))
                .thenApply(ignored -> null);
    }

    /** Loads the scripts into Redis ahead of use. */
    public static CompletionStage<String> loadScripts(RedisAsyncCommands<String, String> commands) {
        return LOAD.load(commands).thenCompose(ignored -> UPSERT.load(commands));
    }

    /**
     * Up to {@code n} ids of stored customers, in Redis' scan order (not random, but spread over the
     * keyspace), for simulations. Blocks; not for the request path.
     */
    public List<String> sampleIds(int n) {
        List<String> ids = new java.util.ArrayList<>();
        io.lettuce.core.ScanArgs args = io.lettuce.core.ScanArgs.Builder.matches(KeySchema.PROFILE_PATTERN).limit(1000);
        io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
        try {
            while (ids.size() < n && !cursor.isFinished()) {
                io.lettuce.core.KeyScanCursor<String> page = redis.commands().scan(cursor, args).get(5, java.util.concurrent.TimeUnit.SECONDS);
                for (String key : page.getKeys()) {
                    if (ids.size() < n) {
                        ids.add(KeySchema.idOfProfileKey(key));
                    }
                }
                cursor = page;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisUnavailableException("interrupted while sampling customers");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new RedisUnavailableException("sampling customers failed: " + e.getMessage());
        }
        return ids;
    }

    /** Deletes every key of a customer; true when something was stored. */
    public CompletionStage<Boolean> delete(String customerId) {
        return guarded(() -> redis.commands().del(KeySchema.keys(customerId)).thenApply(n -> n > 0));
    }

    private <T> CompletionStage<T> guarded(java.util.function.Supplier<CompletionStage<T>> call) {
        return redis.guarded(call);
    }
}
