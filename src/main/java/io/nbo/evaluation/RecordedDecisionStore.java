package io.nbo.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.nbo.context.CustomerContextRepository;
import io.nbo.context.StoredCustomer;
import io.nbo.model.Customer;
import io.nbo.model.CustomerData;
import io.nbo.model.Request;
import io.nbo.redis.KeySchema;
import io.nbo.redis.RedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * nbo's own records as a decision log: every impression of an offer that a recorded decision served
 * (the partitions' event streams, {@code nbo:{p:NNNN}:events}), with the decision's record
 * ({@code nbo:{p:NNNN}:d:ID}) for the calling channel, the slot, the time and the probability with which the offer
 * was chosen ({@code "q"}), and a reward of 1 when a click, accept or conversion of the same decision and offer
 * followed, else 0.
 *
 * <p>The context is an approximation: the customer as stored now (not as they were when decided), without their
 * contact history (which now holds the very contacts being evaluated), and a request of the calling channel alone
 * (records keep no placement, page, device or attributes).
 */
public final class RecordedDecisionStore {

    /** Responses that count as a reward of 1. */
    static final Set<String> POSITIVE = Set.of("click", "accept", "conversion");

    private static final int PAGE = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What was read.
     *
     * @param events       one per impression of a recorded offer
     * @param impressions  attributed impressions found in the streams
     * @param noRecord     impressions whose decision record has expired (or was erased), left out
     * @param noProbability events whose record has no {@code "q"} for the offer (recorded before nbo kept it)
     */
    public record Log(List<LoggedEvent> events, long impressions, long noRecord, long noProbability) {
    }

    private final RedisConnection redis;
    private final CustomerContextRepository customers;
    private final Duration timeout;

    public RecordedDecisionStore(RedisConnection redis, CustomerContextRepository customers, Duration timeout) {
        this.redis = redis;
        this.customers = customers;
        this.timeout = timeout;
    }

    /** Reads every partition's stream and the records its impressions name. */
    public Log read() throws Exception {
        List<LoggedEvent> events = new ArrayList<>();
        long impressions = 0;
        long noRecord = 0;
        long noProbability = 0;
        Map<String, Optional<Customer>> known = new LinkedHashMap<>();
        for (int p = 0; p < KeySchema.PARTITIONS; p++) {
            Map<String, Served> served = served(KeySchema.events(p));
            for (Served s : served.values()) {
                if (!s.shown) {
                    continue;
                }
                impressions++;
                String raw = get(() -> redis.commands().get(KeySchema.decision(s.customerId, s.decisionId)));
                JsonNode record = raw == null ? null : JSON.readTree(raw);
                JsonNode entry = null;
                int position = 0;
                if (record != null && record.path("o").isArray()) {
                    for (JsonNode o : record.get("o")) {
                        position++;
                        if (s.offerId.equals(o.path("id").asText(null))) {
                            entry = o;
                            break;
                        }
                    }
                }
                if (entry == null) {
                    noRecord++;
                    continue;
                }
                JsonNode q = entry.get("q");
                double probability = q != null && q.isNumber() && q.asDouble() > 0 && q.asDouble() <= 1 ? q.asDouble() : Double.NaN;
                if (Double.isNaN(probability)) {
                    noProbability++;
                }
                Instant at = Instant.ofEpochMilli(record.path("at").asLong());
                String calling = record.path("c").asText(null);
                Optional<Customer> customer = known.computeIfAbsent(s.customerId, id -> load(id, at));
                Customer c = customer.map(k -> new Customer(k.getId(), k.isKnown(), k.data(), at)).orElse(Customer.unknown(s.customerId, at));
                events.add(new LoggedEvent(events.size() + 1, at, c, new Request(calling, null, null, null, Map.of()), s.offerId,
                        entry.path("ch").asText(null), position, probability, s.positive ? 1 : 0, List.of()));
            }
        }
        return new Log(List.copyOf(events), impressions, noRecord, noProbability);
    }

    /** The stored customer (data only), or empty when nothing is stored. */
    private Optional<Customer> load(String id, Instant at) {
        try {
            Optional<StoredCustomer> stored = customers.load(id).toCompletableFuture().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return stored.map(s -> new Customer(id, s.hasProfile(), s.data() == null ? CustomerData.EMPTY : s.data(), at));
        } catch (Exception e) {
            throw new IllegalStateException("could not read customer " + id + ": " + e.getMessage(), e);
        }
    }

    /** The offers served by recorded decisions in one stream: impression and positive responses by decision and offer. */
    private Map<String, Served> served(String stream) throws Exception {
        Map<String, Served> served = new LinkedHashMap<>();
        Range.Boundary<String> from = Range.Boundary.unbounded();
        while (true) {
            Range<String> range = Range.from(from, Range.Boundary.unbounded());
            List<StreamMessage<String, String>> page = get(() -> redis.commands().xrange(stream, range, Limit.from(PAGE)));
            for (StreamMessage<String, String> m : page) {
                Map<String, String> f = m.getBody();
                String decision = f.get("decisionId");
                String offer = f.get("offerId");
                String customer = f.get("customerId");
                if (decision == null || offer == null || customer == null || !"true".equals(f.get("attributed"))) {
                    continue;
                }
                Served s = served.computeIfAbsent(decision + "|" + offer, k -> new Served(customer, decision, offer));
                String type = f.get("type");
                if ("impression".equals(type)) {
                    s.shown = true;
                } else if (POSITIVE.contains(type)) {
                    s.positive = true;
                }
            }
            if (page.size() < PAGE) {
                return served;
            }
            from = Range.Boundary.excluding(page.get(page.size() - 1).getId());
        }
    }

    private <T> T get(java.util.function.Supplier<io.lettuce.core.RedisFuture<T>> call) throws Exception {
        return call.get().toCompletableFuture().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** One offer of one decision, as the stream tells it. */
    private static final class Served {
        final String customerId;
        final String decisionId;
        final String offerId;
        boolean shown;
        boolean positive;

        Served(String customerId, String decisionId, String offerId) {
            this.customerId = customerId;
            this.decisionId = decisionId;
            this.offerId = offerId;
        }
    }
}
