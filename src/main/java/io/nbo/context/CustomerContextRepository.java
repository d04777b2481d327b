package io.nbo.context;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.nbo.model.CustomerData;
import io.nbo.redis.KeySchema;
import io.nbo.redis.RedisConnection;
import io.nbo.redis.RedisScript;
import io.nbo.config.StoreUnavailableException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Reads and writes customer context in Redis (see {@link KeySchema}). A read is one script call, so
 * one round trip and a consistent snapshot; a write replaces every key of the customer atomically.
 */
public final class CustomerContextRepository {

    // In src/main/resources/redis/; each file's header names its KEYS and ARGV.
    private static final RedisScript LOAD = RedisScript.of("customer-load", ScriptOutputType.MULTI);
    private static final RedisScript UPSERT = RedisScript.of("customer-upsert", ScriptOutputType.INTEGER);
    private static final RedisScript COMMIT = RedisScript.of("decision-commit", ScriptOutputType.MULTI);
    private static final RedisScript TAKE = RedisScript.of("global-cap-take", ScriptOutputType.INTEGER);

    /** A cap the commit checks again: count per {@code o} (offer), {@code c} (channel) or {@code oc}; at most {@code max} in the window. */
    public record CapCheck(String per, int max, long windowMillis, String policy) {
    }

    /**
     * An offer the decision may serve, best first: its group, whether it may only be served alone (the
     * fallback: when nothing before it was), and the channels it may go on, best first.
     */
    public record Candidate(String offerId, String group, boolean alone, List<Option> options) {
    }

    /** One channel an offer may go on: the caps to check there, and the offer's part of the decision record on it (JSON). */
    public record Option(String channel, List<CapCheck> checks, String recordJson) {
    }

    /**
     * What the commit did with a candidate: served on its {@code option}-th channel (from 0), stopped by
     * {@code cap} (on its first channel, every other one reaching a cap too; {@code counted} contacts, of which
     * {@code pending} servings not yet reported shown), or neither (not needed: the limit was reached or its
     * group was served).
     */
    public record Outcome(boolean served, int option, String cap, long counted, long pending) {
        static Outcome parse(String reply) {
            if (reply.startsWith("ok:")) {
                return new Outcome(true, Integer.parseInt(reply.substring(3)) - 1, null, 0, 0);
            }
            if (reply.isEmpty()) {
                return new Outcome(false, -1, null, 0, 0);
            }
            String[] parts = reply.split("\\|");
            return new Outcome(false, -1, parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2]));
        }
    }

    /**
     * What a decision serves, to check and record in one atomic step.
     *
     * @param countServed  caps count servings (true) or impressions plus pending servings (false)
     * @param pendingHold  how long a pending serving counts when impressions count
     * @param lookback     how much contact history to keep
     * @param recordFor    how long the decision is kept for attribution
     * @param journeyWindow how long a top offer stays the journey's
     */
    public record Commit(String decisionId, String ruleSetVersion, String callingChannel, Instant now, boolean countServed,
                         java.time.Duration pendingHold, java.time.Duration lookback, int limit, java.time.Duration recordFor,
                         java.time.Duration journeyWindow, java.time.Duration reportFor, List<Candidate> candidates) {
    }

    private static final java.time.format.DateTimeFormatter DAY = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd")
            .withZone(java.time.ZoneOffset.UTC);

    private final RedisConnection redis;
    private final String recentLimit;

    /**
     * @param recentLimit how many recent events a decision reads (newest first)
     */
    public CustomerContextRepository(RedisConnection redis, int recentLimit) {
        this.redis = redis;
        this.recentLimit = String.valueOf(recentLimit);
        redis.preload(LOAD, UPSERT, COMMIT);
    }

    /**
     * Loads everything stored for a customer in one round trip; empty when nothing is stored. Fails
     * with {@link StoreUnavailableException} when Redis is down or too slow.
     */
    public CompletionStage<Optional<StoredCustomer>> load(String customerId) {
        return load(customerId, Instant.EPOCH);
    }

    /** The same, with the contact history since {@code contactsSince} and the current journey. */
    public CompletionStage<Optional<StoredCustomer>> load(String customerId, Instant contactsSince) {
        return load(customerId, contactsSince, Runnable::run);
    }

    /**
     * The same, with the reply decoded, and the outcome (customer or failure) delivered, on
     * {@code continueOn}: every reply arrives on the connection's one I/O thread, which should only
     * read replies, not decode them for every request.
     */
    public CompletionStage<Optional<StoredCustomer>> load(String customerId, Instant contactsSince, Executor continueOn) {
        return read(customerId, contactsSince, continueOn, reply -> CustomerCodec.fromReply(customerId, reply));
    }

    /**
     * What a decision reads, in the same one round trip: the customer's data, contact history since
     * {@code contactsSince} and journey, whether or not a profile is stored ({@link StoredCustomer#hasProfile()}):
     * a visitor with an id but no profile still has the contacts, journey, cart and recent events their
     * events stored.
     */
    public CompletionStage<StoredCustomer> loadForDecision(String customerId, Instant contactsSince, Executor continueOn) {
        return read(customerId, contactsSince, continueOn, reply -> CustomerCodec.decode(customerId, reply));
    }

    private <T> CompletionStage<T> read(String customerId, Instant contactsSince, Executor continueOn,
                                        java.util.function.Function<List<Object>, T> decode) {
        return guarded(() -> LOAD.<List<Object>>run(redis.commands(), KeySchema.keys(customerId), recentLimit,
                        String.valueOf(contactsSince.toEpochMilli())))
                .handleAsync((reply, error) -> {
                    if (error != null) {
                        throw error instanceof CompletionException c ? c : new CompletionException(error);
                    }
                    return decode.apply(reply);
                }, continueOn);
    }

    /**
     * {@link #load(String)} for work off the request path (simulations): each load may take up to
     * {@code timeout} instead of a decision's command timeout, as a batch of them queues in Redis on a
     * busy machine. With the decision's 250 ms such a batch timed out, opened the circuit breaker for
     * the decisions too, and failed the simulation.
     */
    public CompletionStage<Optional<StoredCustomer>> loadPatiently(String customerId, java.time.Duration timeout) {
        return redis.patiently(timeout, () -> load(customerId));
    }

    /** Replaces everything stored for a customer, atomically. */
    public CompletionStage<Void> upsert(String customerId, CustomerData data, Instant updatedAt) {
        return guarded(() -> upsert(redis.commands(), customerId, data, updatedAt));
    }

    /** The same, on given commands ({@link CustomerImportRepository} passes its own connection). */
    static CompletionStage<Void> upsert(RedisClusterAsyncCommands<String, String> commands, String customerId,
                                               CustomerData data, Instant updatedAt) {
        return UPSERT.<Long>run(commands, KeySchema.keys(customerId), CustomerCodec.upsertArgs(data, updatedAt))
                .thenApply(ignored -> null);
    }

    /**
     * Checks the caps of each candidate again against the stored contacts, in order, and serves the
     * first {@code limit} that pass (one per group; one marked {@code alone} only when none before it
     * did), each on the first of its channels whose caps pass, counting what this commit serves before
     * it: records each as a contact, records the decision for attribution (and its id in the
     * customer's decision index, for erasure), counts it in the day's report and moves the journey,
     * all atomically, so concurrent decisions for one customer cannot serve past a cap.
     *
     * @return per candidate, what the commit did with it
     */
    public CompletionStage<List<Outcome>> commit(String customerId, Commit c) {
        String[] customer = KeySchema.keys(customerId);
        String[] keys = {customer[KeySchema.CONTACTS], customer[KeySchema.JOURNEY], KeySchema.decision(customerId, c.decisionId()),
                KeySchema.report(KeySchema.partition(customerId), DAY.format(c.now())), KeySchema.decisionIndex(customerId)};
        List<String> args = new java.util.ArrayList<>(List.of(String.valueOf(c.now().toEpochMilli()), c.decisionId(),
                c.countServed() ? "served" : "impression", String.valueOf(c.pendingHold().toMillis()), String.valueOf(c.lookback().toMillis()),
                String.valueOf(c.limit()), String.valueOf(c.recordFor().toSeconds()), c.ruleSetVersion(), String.valueOf(c.journeyWindow().toMillis()),
                c.callingChannel(), String.valueOf(c.reportFor().toSeconds()), String.valueOf(c.candidates().size())));
        for (Candidate candidate : c.candidates()) {
            args.addAll(List.of(candidate.offerId(), candidate.group(), candidate.alone() ? "1" : "0",
                    String.valueOf(candidate.options().size())));
            for (Option option : candidate.options()) {
                args.addAll(List.of(option.channel(), String.valueOf(option.checks().size())));
                for (CapCheck check : option.checks()) {
                    args.addAll(List.of(check.per(), String.valueOf(check.max()), String.valueOf(check.windowMillis()), check.policy()));
                }
                args.add(option.recordJson());
            }
        }
        return guarded(() -> COMMIT.<List<Object>>run(redis.commands(), keys, args.toArray(String[]::new))
                .thenApply(reply -> reply.stream().map(r -> Outcome.parse(String.valueOf(r))).toList()));
    }

    /** Takes one serving of an offer's global cap; false when the cap is reached. */
    public CompletionStage<Boolean> takeGlobal(String offerId, long max) {
        return guarded(() -> TAKE.<Long>run(redis.commands(), new String[] {KeySchema.globalCount(offerId)}, String.valueOf(max))
                .thenApply(taken -> taken == 1));
    }

    /** Gives back a serving taken from a global cap and not used. */
    public CompletionStage<Void> releaseGlobal(String offerId) {
        return guarded(() -> redis.commands().decr(KeySchema.globalCount(offerId)).thenApply(ignored -> null));
    }

    /** How many servings of an offer's global cap are taken. */
    public CompletionStage<Long> globalTaken(String offerId) {
        return guarded(() -> redis.commands().get(KeySchema.globalCount(offerId)).thenApply(v -> v == null ? 0L : Long.parseLong(v)));
    }

    /** Loads the scripts into Redis ahead of use. */
    static CompletionStage<String> loadScripts(RedisClusterAsyncCommands<String, String> commands) {
        return LOAD.load(commands).thenCompose(ignored -> UPSERT.load(commands)).thenCompose(ignored -> COMMIT.load(commands));
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
            throw new StoreUnavailableException("interrupted while sampling customers");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new StoreUnavailableException("sampling customers failed: " + e.getMessage());
        }
        return ids;
    }

    private <T> CompletionStage<T> guarded(java.util.function.Supplier<CompletionStage<T>> call) {
        return redis.guarded(call);
    }
}
