package io.nbo.audit;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.nbo.redis.RedisConnection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** The audit entries in Redis: a capped stream, each entry one JSON line under the field {@code e}. */
final class AuditStore {

    /** The Redis stream, under one hash tag so it lives on one Redis Cluster slot. */
    static final String STREAM = "nbo:{audit}:log";

    /** A stored entry: the stream entry's id and the JSON line. */
    record Stored(String id, String line) {
    }

    private final RedisConnection redis;
    private final long maxEntries;

    AuditStore(RedisConnection redis, long maxEntries) {
        this.redis = redis;
        this.maxEntries = maxEntries;
    }

    /** Appends a line; the stream keeps about the newest {@code maxEntries}. */
    CompletionStage<String> append(String line) {
        return redis.guarded(() -> redis.commands().xadd(STREAM, XAddArgs.Builder.maxlen(maxEntries).approximateTrimming(), Map.of("e", line)));
    }

    /** The newest entries first, at most {@code limit}. */
    CompletionStage<List<Stored>> newest(int limit) {
        return redis.guarded(() -> redis.commands().xrevrange(STREAM, Range.unbounded(), Limit.from(limit)))
                .thenApply(messages -> messages.stream().map(AuditStore::stored).toList());
    }

    private static Stored stored(StreamMessage<String, String> m) {
        return new Stored(m.getId(), m.getBody() == null ? null : m.getBody().get("e"));
    }
}
