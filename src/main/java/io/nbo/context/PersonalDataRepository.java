package io.nbo.context;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.ScriptOutputType;
import io.nbo.context.CustomerExport.AppliedEvent;
import io.nbo.context.CustomerExport.RecordedDecision;
import io.nbo.redis.KeySchema;
import io.nbo.redis.RedisConnection;
import io.nbo.redis.RedisScript;
import io.nbo.config.StoreUnavailableException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Erases and exports everything stored about one customer (see {@link KeySchema}): their keys, the
 * decisions recorded for them (found through their decision index, the decisions their contacts
 * name and their journey's) and their entries in their partition's event stream (found by the
 * {@code customerId} field, a bounded page per script call). The partition's report counters and
 * the global cap counters are counts without personal data, and stay.
 *
 * <p>Every key of a customer shares the partition's hash tag, so each script works on one Redis
 * Cluster slot; the decision keys a script builds from its prefix are on that slot too.
 */
public final class PersonalDataRepository {

    /** Stream entries one script call looks at: a page keeps Redis busy well under a millisecond. */
    static final int STREAM_PAGE = 500;

    // In src/main/resources/redis/; each file's header names its KEYS and ARGV.
    private static final RedisScript ERASE = RedisScript.of("customer-erase", ScriptOutputType.MULTI, "decision-ids");
    private static final RedisScript EXPORT = RedisScript.of("customer-export", ScriptOutputType.MULTI, "decision-ids");
    private static final RedisScript STREAM = RedisScript.of("customer-stream-page", ScriptOutputType.MULTI);

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What an erasure removed.
     *
     * @param keys         the names of the customer's keys that existed (see {@link KeySchema#PERSONAL_KEY_NAMES})
     * @param decisions    recorded decisions deleted
     * @param streamEvents the customer's entries deleted from the partition's event stream
     */
    public record Erasure(List<String> keys, long decisions, long streamEvents) {

        /** Whether nothing at all was stored for the customer. */
        public boolean removedNothing() {
            return keys.isEmpty() && decisions == 0 && streamEvents == 0;
        }
    }

    private final RedisConnection redis;

    public PersonalDataRepository(RedisConnection redis) {
        this.redis = redis;
    }

    /**
     * Erases everything stored about a customer: first their entries in the partition's stream, page
     * by page, then, in one atomic script, their recorded decisions and every key of theirs. Each
     * step only deletes, so a pass that fails half-way ({@link StoreUnavailableException}) is
     * completed by running it again; while any key of the customer is left, the erasure is not done.
     */
    public CompletionStage<Erasure> erase(String customerId) {
        String[] keys = KeySchema.personalKeys(customerId);
        return streamPass(customerId, "erase", "", "", 0, null)
                .thenCompose(streamEvents -> redis.guarded(() -> ERASE.<List<Object>>run(redis.commands(), keys,
                        KeySchema.decisionPrefix(customerId))).thenApply(reply -> {
                            List<String> removed = new ArrayList<>();
                            for (int i = 0; i < keys.length; i++) {
                                if (((Long) reply.get(i)) > 0) {
                                    removed.add(KeySchema.PERSONAL_KEY_NAMES.get(i));
                                }
                            }
                            return new Erasure(removed, (Long) reply.get(keys.length), streamEvents);
                        }));
    }

    /**
     * Everything stored about a customer; empty when nothing is (no key, no stream entry). The keys and
     * decisions are read in one script, the stream page by page after it.
     */
    @SuppressWarnings("unchecked")
    public CompletionStage<java.util.Optional<CustomerExport>> export(String customerId, Instant now) {
        String[] keys = KeySchema.personalKeys(customerId);
        return redis.guarded(() -> EXPORT.<List<Object>>run(redis.commands(), keys, KeySchema.decisionPrefix(customerId)))
                .thenCompose(reply -> {
                    List<Map<String, String>> events = new ArrayList<>();
                    return streamPass(customerId, "export", "", "", 0, events).thenApply(found -> {
                        if ((Long) reply.get(9) == 0 && events.isEmpty()) {
                            return java.util.Optional.<CustomerExport>empty();
                        }
                        StoredCustomer stored = CustomerCodec.decode(customerId, reply);
                        List<AppliedEvent> applied = new ArrayList<>();
                        List<Object> seen = (List<Object>) reply.get(7);
                        for (int i = 0; i + 1 < seen.size(); i += 2) {
                            applied.add(new AppliedEvent((String) seen.get(i), millis(seen.get(i + 1))));
                        }
                        List<RecordedDecision> decisions = new ArrayList<>();
                        List<Object> records = (List<Object>) reply.get(8);
                        for (int i = 0; i + 1 < records.size(); i += 2) {
                            decisions.add(new RecordedDecision((String) records.get(i), parse((String) records.get(i + 1))));
                        }
                        return java.util.Optional.of(new CustomerExport(customerId, now, stored.data().profile(), stored.updatedAt(),
                                stored.data().consent(), stored.data().engagement(), stored.data().cart(), stored.data().recent(),
                                stored.history().all(), applied, stored.journey(), decisions, events));
                    });
                });
    }

    /**
     * Goes through the partition's stream from {@code after} to {@code until}, a page per call: erases
     * the customer's entries, or adds them to {@code into}. Completes with how many it found.
     */
    @SuppressWarnings("unchecked")
    private CompletionStage<Long> streamPass(String customerId, String mode, String after, String until, long found,
                                             List<Map<String, String>> into) {
        String[] stream = {KeySchema.events(customerId)};
        return redis.guarded(() -> STREAM.<List<Object>>run(redis.commands(), stream, customerId, after, until,
                String.valueOf(STREAM_PAGE), mode)).thenCompose(reply -> {
                    long total = found + (Long) reply.get(2);
                    if (into != null) {
                        for (Object e : (List<Object>) reply.get(3)) {
                            List<Object> entry = (List<Object>) e;
                            Map<String, String> fields = new LinkedHashMap<>();
                            fields.put("streamId", (String) entry.get(0));
                            List<Object> pairs = (List<Object>) entry.get(1);
                            for (int i = 0; i + 1 < pairs.size(); i += 2) {
                                fields.put((String) pairs.get(i), (String) pairs.get(i + 1));
                            }
                            into.add(fields);
                        }
                    }
                    String next = (String) reply.get(0);
                    return next.isEmpty() ? CompletableFuture.completedFuture(total)
                            : streamPass(customerId, mode, next, (String) reply.get(1), total, into);
                });
    }

    private static Instant millis(Object score) {
        return Instant.ofEpochMilli((long) Double.parseDouble((String) score));
    }

    /** A record as JSON; as text if it is not (it was written by the decision side, so it should be). */
    private static Object parse(String json) {
        try {
            return JSON.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            return json;
        }
    }
}
