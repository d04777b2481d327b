package io.nbo.learning;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.nbo.redis.KeySchema;
import io.nbo.redis.RedisConnection;
import io.nbo.redis.RedisScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The models in Redis, all on one slot ({@code nbo:{learning}:}): a hash of counts and stream positions, the
 * stream of its changes that replicas follow, and the learner's lease; and the partitions' event streams
 * the learner reads. Calls block (with a timeout): they run on the learning thread, never on a request's.
 */
public final class ModelRepository {

    /** The models: counts, positions per partition, the last change included. */
    public static final String MODELS = "nbo:{learning}:models";
    /** The models' changes, in order, for the replicas. */
    public static final String CHANGES = "nbo:{learning}:changes";
    /** Which replica learns now. */
    public static final String LEASE = "nbo:{learning}:lease";

    static final RedisScript LEASE_SCRIPT = RedisScript.of("learning-lease", ScriptOutputType.MULTI);
    static final RedisScript APPLY = RedisScript.of("learning-apply", ScriptOutputType.MULTI);
    static final RedisScript RESET = RedisScript.of("learning-reset", ScriptOutputType.VALUE);

    /** Changes kept in their stream (about): a replica that falls further behind reloads the models whole. */
    static final long CHANGES_KEPT = 100_000;

    /** A stream entry: its id and fields. */
    public record Entry(String id, Map<String, String> body) {
        static Entry of(StreamMessage<String, String> m) {
            return new Entry(m.getId(), m.getBody());
        }
    }

    /** One batch of increments and of the models' AUCs that changed ({@link ContextualAuc}), as the apply script takes them. */
    record Batch(List<Position> positions, Map<String, long[]> increments, Map<String, Double> auc, String text) {
    }

    /** A partition's stream read from {@code from} up to {@code to}. */
    record Position(int partition, String from, String to) {
    }

    /** The result of an apply: the change id and the models that had nothing before it, or why nothing was applied. */
    record Applied(String changeId, Set<String> fresh, String refused) {
    }

    private final RedisConnection redis;
    private final Duration timeout;
    private io.lettuce.core.api.StatefulConnection<String, String> connection;

    public ModelRepository(RedisConnection redis, Duration timeout) {
        this.redis = redis;
        this.timeout = timeout;
    }

    /** Whether this replica holds the lease, and the models' last rebuild ({@code ""} for none). */
    record Lease(boolean held, String rebuilt) {
    }

    /** Takes or keeps the lease. */
    Lease lease(String replica, Duration length) {
        List<Object> reply = await(() -> LEASE_SCRIPT.<List<Object>>run(commands(), new String[] {LEASE, MODELS}, replica,
                String.valueOf(length.toMillis())));
        return new Lease(Long.valueOf(1L).equals(reply.get(0)), (String) reply.get(1));
    }

    /** The last stream id learned of each partition ({@code 0-0}: none). */
    String[] positions() {
        List<String> fields = new ArrayList<>(KeySchema.PARTITIONS);
        for (int p = 0; p < KeySchema.PARTITIONS; p++) {
            fields.add(position(p));
        }
        String[] out = new String[KeySchema.PARTITIONS];
        var values = await(() -> commands().hmget(MODELS, fields.toArray(String[]::new)));
        for (int p = 0; p < out.length; p++) {
            out[p] = values.get(p).getValueOrElse("0-0");
        }
        return out;
    }

    static String position(int partition) {
        return "pos:" + KeySchema.partitionTag(partition).substring(3, 7);
    }

    /**
     * Entries of the partitions' streams after the positions given, at most {@code count} per partition: one
     * XREAD on a single Redis, one XRANGE per partition (pipelined) on a cluster, where each stream has its slot.
     */
    List<List<Entry>> read(String[] after, int count) {
        List<List<Entry>> out = new ArrayList<>(KeySchema.PARTITIONS);
        RedisClusterAsyncCommands<String, String> c = commands();
        if (!redis.isCluster()) {
            @SuppressWarnings("unchecked")
            XReadArgs.StreamOffset<String>[] offsets = new XReadArgs.StreamOffset[KeySchema.PARTITIONS];
            for (int p = 0; p < offsets.length; p++) {
                offsets[p] = XReadArgs.StreamOffset.from(KeySchema.events(p), after[p]);
                out.add(List.of());
            }
            List<StreamMessage<String, String>> all = await(() -> c.xread(XReadArgs.Builder.count(count), offsets));
            Map<String, Integer> partitionOf = new java.util.HashMap<>();
            for (int p = 0; p < KeySchema.PARTITIONS; p++) {
                partitionOf.put(KeySchema.events(p), p);
            }
            List<List<Entry>> grouped = new ArrayList<>(out);
            for (StreamMessage<String, String> m : all) {
                int p = partitionOf.get(m.getStream());
                if (grouped.get(p).isEmpty()) {
                    grouped.set(p, new ArrayList<>());
                }
                grouped.get(p).add(Entry.of(m));
            }
            return grouped;
        }
        List<CompletableFuture<List<StreamMessage<String, String>>>> calls = redis.patiently(timeout, () -> {
            List<CompletableFuture<List<StreamMessage<String, String>>>> sent = new ArrayList<>(KeySchema.PARTITIONS);
            for (int p = 0; p < KeySchema.PARTITIONS; p++) {
                sent.add(c.xrange(KeySchema.events(p), Range.create(after[p], "+"), Limit.from(count + 1)).toCompletableFuture());
            }
            return sent;
        });
        for (int p = 0; p < KeySchema.PARTITIONS; p++) {
            int partition = p;
            List<StreamMessage<String, String>> entries = await(() -> calls.get(partition));
            // XRANGE includes its start: drop the entry already learned.
            out.add(entries.stream().filter(m -> !m.getId().equals(after[partition])).map(Entry::of).toList());
        }
        return out;
    }

    /** Applies a batch if this replica holds the lease and every partition is still where it was read from. */
    Applied apply(String replica, Duration lease, long now, Batch batch) {
        List<String> args = new ArrayList<>(7 + 3 * batch.positions().size() + 3 * batch.increments().size() + 2 * batch.auc().size());
        args.add(replica);
        args.add(String.valueOf(lease.toMillis()));
        args.add(String.valueOf(now));
        args.add(String.valueOf(CHANGES_KEPT));
        args.add(String.valueOf(batch.positions().size()));
        for (Position p : batch.positions()) {
            args.add(position(p.partition()));
            args.add(p.from());
            args.add(p.to());
        }
        args.add(String.valueOf(batch.increments().size()));
        batch.increments().forEach((field, tp) -> {
            args.add(field);
            args.add(String.valueOf(tp[0]));
            args.add(String.valueOf(tp[1]));
        });
        args.add(String.valueOf(batch.auc().size()));
        batch.auc().forEach((model, auc) -> {
            args.add(model);
            args.add(String.valueOf(auc));
        });
        args.add(batch.text());
        List<Object> reply = await(() -> APPLY.<List<Object>>run(commands(), new String[] {MODELS, CHANGES, LEASE}, args.toArray(String[]::new)));
        if (!"ok".equals(reply.get(0))) {
            return new Applied(null, Set.of(), reply.size() > 1 ? reply.get(0) + " " + reply.get(1) : (String) reply.get(0));
        }
        Set<String> fresh = new java.util.HashSet<>();
        for (Object model : reply.subList(2, reply.size())) {
            fresh.add((String) model);
        }
        return new Applied((String) reply.get(1), fresh, null);
    }

    /** Every field of the models hash: what a replica starts from. */
    Map<String, String> models() {
        return await(() -> commands().hgetall(MODELS));
    }

    /** Changes from {@code from} (included, so a replica can tell it is still there), at most {@code count}. */
    List<Entry> changes(String from, int count) {
        return await(() -> commands().xrange(CHANGES, Range.create(from, "+"), Limit.from(count))).stream().map(Entry::of).toList();
    }

    /**
     * Deletes the contextual counts of epochs before {@code minEpoch} ({@code t|OFFER|CHANNEL|EPOCH...}), a page of
     * fields at a time (HSCAN): they weigh nothing any more. Not atomic, and it need not be: a field deleted is never
     * read again, and one written meanwhile is deleted next time.
     */
    int prune(long minEpoch) {
        int deleted = 0;
        io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
        do {
            io.lettuce.core.ScanCursor from = cursor;
            io.lettuce.core.MapScanCursor<String, String> page = await(() -> commands().hscan(MODELS, from, io.lettuce.core.ScanArgs.Builder.limit(1000)));
            List<String> old = new ArrayList<>();
            for (String field : page.getMap().keySet()) {
                String[] parts = field.split("\\|", 5);
                if (parts.length >= 4 && parts[0].length() == 1) {
                    try {
                        if (Long.parseLong(parts[3]) < minEpoch) {
                            old.add(field);
                        }
                    } catch (NumberFormatException e) {
                        // not an epoch's field
                    }
                }
            }
            if (!old.isEmpty()) {
                deleted += (int) (long) await(() -> commands().hdel(MODELS, old.toArray(String[]::new)));
            }
            cursor = page;
        } while (!cursor.isFinished());
        return deleted;
    }

    /** Forgets one offer's models, or all of them ({@code null}: a rebuild from the event streams). */
    String reset(String offerId, long now) {
        return await(() -> RESET.<String>run(commands(), new String[] {MODELS, CHANGES}, offerId == null ? "" : offerId,
                String.valueOf(now), String.valueOf(CHANGES_KEPT)));
    }

    /**
     * The learning connection's commands, opened at first use and again after it closed: learning's reads (a large
     * XREAD, a whole hash at start) never queue in front of a decision's commands on the shared connection.
     */
    private synchronized RedisClusterAsyncCommands<String, String> commands() {
        if (connection == null || !connection.isOpen()) {
            connection = redis.newConnection();
        }
        return RedisConnection.commandsOf(connection);
    }

    /** Closes the learning connection, within a bound. */
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.closeAsync().get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Closing on the way out: nothing left to do with a connection that will not close.
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
            connection = null;
        }
    }

    /** Sends {@code call}'s commands with the learning timeout instead of a decision's, and waits for the reply. */
    private <T> T await(java.util.function.Supplier<? extends java.util.concurrent.CompletionStage<T>> call) {
        try {
            return redis.patiently(timeout, call::get).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new io.nbo.config.StoreUnavailableException("Redis did not answer the learner within " + timeout.toMillis() + " ms");
        }
    }
}
