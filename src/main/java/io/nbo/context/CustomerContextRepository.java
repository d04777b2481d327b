package io.nbo.context;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.nbo.model.CustomerData;
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

    // ARGV: recent events to read, contacts since (ms)
    private static final RedisScript LOAD = new RedisScript("""
            local recent = tonumber(ARGV[1])
            return {
              redis.call('HGETALL', KEYS[1]),
              redis.call('HGETALL', KEYS[2]),
              redis.call('HGETALL', KEYS[3]),
              redis.call('GET', KEYS[4]) or '',
              redis.call('LRANGE', KEYS[5], 0, recent - 1),
              redis.call('ZRANGEBYSCORE', KEYS[6], ARGV[2], '+inf', 'WITHSCORES'),
              redis.call('HGETALL', KEYS[8])
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

    // KEYS: contacts, journey, decision record, report counters of the day, the customer's decision index.
    // ARGV: now, decision id, 'served'|'impression', pending hold ms, lookback ms, limit, record ttl s, version,
    //       journey window ms, calling channel, report ttl s, candidate count, then per candidate:
    //       offer, group, '1' if served only alone (the fallback) else '0', option count, then per option (a channel, best first): channel, check count,
    //       (per, max, window ms, policy) per check, record JSON fragment.
    // Returns per candidate: 'ok:K' (served on its K-th option); 'NAME|COUNT|PENDING', the cap its first option
    // reached (every option reached one), how many contacts it counted and how many of them were pending servings;
    // or '' (not needed).
    private static final RedisScript COMMIT = new RedisScript("""
            local now, did, mode, hold = tonumber(ARGV[1]), ARGV[2], ARGV[3], tonumber(ARGV[4])
            local lookback, limit, ttl, version = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8]
            local jwin, calling, reportTtl = tonumber(ARGV[9]), ARGV[10], tonumber(ARGV[11])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - lookback))
            local entries = redis.call('ZRANGEBYSCORE', KEYS[1], now - lookback, '+inf', 'WITHSCORES')
            local counted = {}
            for i = 1, #entries, 2 do
              local kind, offer, ch = string.match(entries[i], '^([^|]*)|([^|]*)|([^|]*)|')
              local at = tonumber(entries[i + 1])
              if (mode == 'served' and kind == 'served') or (mode ~= 'served' and (kind == 'impression' or (kind == 'pending' and at > now - hold))) then
                counted[#counted + 1] = {offer, ch, at, kind == 'pending'}
              end
            end
            local kind = mode == 'served' and 'served' or 'pending'
            local n, i = tonumber(ARGV[12]), 13
            local chosen, groups, out, fragments = {}, {}, {}, {}
            for c = 1, n do
              local offer, group, alone, options = ARGV[i], ARGV[i + 1], ARGV[i + 2] == '1', tonumber(ARGV[i + 3])
              i = i + 4
              local wanted = #chosen < limit and not groups[group] and not (alone and #chosen > 0)
              local firstReached, servedOn, servedCh, fragment = '', nil, nil, nil
              for o = 1, options do
                local ch, checks = ARGV[i], tonumber(ARGV[i + 1])
                i = i + 2
                local reached = ''
                for k = 1, checks do
                  local per, max, win, name = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]), ARGV[i + 3]
                  i = i + 4
                  if wanted and not servedOn and reached == '' then
                    local count, pending = 0, 0
                    for _, e in ipairs(counted) do
                      if e[3] > now - win and ((per == 'o' and e[1] == offer) or (per == 'c' and e[2] == ch)
                          or (per == 'oc' and e[1] == offer and e[2] == ch)) then
                        count = count + 1
                        if e[4] then pending = pending + 1 end
                      end
                    end
                    if count >= max then reached = name .. '|' .. count .. '|' .. pending end
                  end
                end
                if wanted and not servedOn then
                  if reached == '' then
                    servedOn, servedCh, fragment = o, ch, ARGV[i]
                  elseif o == 1 then
                    firstReached = reached
                  end
                end
                i = i + 1
              end
              if not wanted then
                out[c] = ''
              elseif not servedOn then
                out[c] = firstReached
              else
                chosen[#chosen + 1] = offer
                groups[group] = true
                redis.call('ZADD', KEYS[1], now, kind .. '|' .. offer .. '|' .. servedCh .. '|' .. did)
                counted[#counted + 1] = {offer, servedCh, now, kind == 'pending'}
                fragments[#fragments + 1] = fragment
                redis.call('HINCRBY', KEYS[4], offer .. '|' .. servedCh .. '|' .. version .. '|served', 1)
                out[c] = 'ok:' .. servedOn
              end
            end
            if #chosen > 0 then
              redis.call('EXPIRE', KEYS[4], reportTtl)
              if ttl > 0 then
                redis.call('SET', KEYS[3], '{"v":"' .. version .. '","c":"' .. calling .. '","at":' .. now .. ',"o":['
                  .. table.concat(fragments, ',') .. ']}', 'EX', ttl)
                -- so an erasure finds the customer's records: ids of the records still alive, gone with the newest
                redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', '(' .. (now - ttl * 1000))
                redis.call('ZADD', KEYS[5], now, did)
                redis.call('EXPIRE', KEYS[5], ttl)
              end
              local j = redis.call('HMGET', KEYS[2], 'offer', 'at')
              if j[1] ~= chosen[1] or not j[2] or tonumber(j[2]) <= now - jwin then
                redis.call('HSET', KEYS[2], 'offer', chosen[1], 'at', now, 'decision', did)
              end
            end
            return out
            """, ScriptOutputType.MULTI);

    // KEYS: an offer's global count. ARGV: the cap. 1 when one more was taken, 0 when the cap is reached.
    private static final RedisScript TAKE = new RedisScript("""
            local taken = tonumber(redis.call('GET', KEYS[1]) or '0')
            if taken >= tonumber(ARGV[1]) then
              return 0
            end
            redis.call('INCR', KEYS[1])
            return 1
            """, ScriptOutputType.INTEGER);

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
    }

    /**
     * Loads everything stored for a customer in one round trip; empty when nothing is stored. Fails
     * with {@link RedisUnavailableException} when Redis is down or too slow.
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

    /** The same, on given commands (a pipelining importer passes its own connection). */
    public static CompletionStage<Void> upsert(RedisClusterAsyncCommands<String, String> commands, String customerId,
                                               CustomerData data, Instant updatedAt) {
        return UPSERT.<Long>run(commands, KeySchema.keys(customerId), CustomerCodec.upsertArgs(data, updatedAt))
                .thenApply(ignored -> null);
    }

    /**
     * Checks the caps of each candidate again against the stored contacts, in order, and serves the
     * first {@code limit} that pass (one per group; one marked {@code alone} only when none before it did), each on the first of its channels whose caps pass,
     * counting what this commit serves before it: records each as a contact, records the decision
     * for attribution (and its id in the customer's decision index, for erasure), counts it in the
     * day's report and moves the journey, all atomically, so
     * concurrent decisions for one customer cannot serve past a cap.
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
    public static CompletionStage<String> loadScripts(RedisClusterAsyncCommands<String, String> commands) {
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
            throw new RedisUnavailableException("interrupted while sampling customers");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new RedisUnavailableException("sampling customers failed: " + e.getMessage());
        }
        return ids;
    }

    private <T> CompletionStage<T> guarded(java.util.function.Supplier<CompletionStage<T>> call) {
        return redis.guarded(call);
    }
}
