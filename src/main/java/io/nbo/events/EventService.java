package io.nbo.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nbo.config.NboConfig;
import io.nbo.events.InvalidEventsException.Problem;
import io.nbo.redis.KeySchema;
import io.nbo.redis.RedisConnection;
import io.nbo.config.StoreUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Events in, reports out. A batch is checked whole first (one bad event refuses the batch, nothing
 * stored); offer events that leave their offer or channel to the decision they name get them from the
 * recorded decision; then every event is applied by its own script call, all pipelined on the one
 * connection, and counted in {@link #EVENTS_RECEIVED}.
 */
@ApplicationScoped
public class EventService {

    /**
     * Counter of events received; tags {@code type} (the event type; {@code other} for custom
     * behaviour, {@code unknown} when unreadable) and {@code result} (applied, duplicate, invalid, failed).
     */
    static final String EVENTS_RECEIVED = "nbo.events";

    /** Report scripts in flight at once: each waits behind the others, within the Redis command timeout. */
    private static final int REPORT_IN_FLIGHT = 16;

    private final EventRepository repository;
    private final EventReader reader;
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();

    public EventService(RedisConnection redis, NboConfig config, MeterRegistry registry) {
        NboConfig.Events events = config.events();
        NboConfig.Learning learning = config.learning();
        this.repository = new EventRepository(redis, new EventRepository.Retention(events.dedupeWindow(), events.retention(),
                events.contactRetention(), events.reportTtl()), events.timeout(),
                type -> !learning.enabled() ? "" : learning.trials().contains(type) ? "t" : learning.positives().contains(type) ? "p" : "");
        this.reader = new EventReader(events.dedupeWindow());
        this.registry = registry;
    }

    /**
     * Checks and applies the events of a request body (one event or an array). Fails with
     * {@link InvalidEventsException} when any is invalid (nothing stored), with
     * {@link EventsNotStoredException} when Redis failed some (retry the whole batch), or with
     * {@link io.nbo.config.StoreUnavailableException} when none could be tried.
     *
     * @param continueOn where to build the answer (the caller's event loop), off Lettuce's I/O threads
     */
    public CompletionStage<Ingested> ingest(JsonNode body, Executor continueOn) {
        Instant now = clock.instant();
        EventReader.Read read = reader.read(body, now);
        if (!read.isValid()) {
            Map<String, Integer> tally = new HashMap<>();
            read.invalid().forEach(kind -> tally.merge(tag(kind), 1, Integer::sum));
            tally.forEach((type, n) -> count(type, "invalid", n));
            throw new InvalidEventsException(read.problems());
        }
        List<CustomerEvent> events = read.events();
        return resolve(events)
                .thenCompose(resolved -> applyAll(resolved, now, continueOn))
                .whenComplete((ignored, error) -> {
                    if (error != null && unwrap(error) instanceof StoreUnavailableException) {
                        // Redis failed while decisions were read: nothing of the batch was tried.
                        events.forEach(e -> count(tag(e.kind()), "failed", 1));
                    }
                });
    }

    /**
     * Gives offer events that name a decision but not their offer or channel the ones that decision
     * recorded; one that cannot be resolved makes the batch invalid.
     */
    private CompletionStage<List<CustomerEvent>> resolve(List<CustomerEvent> events) {
        List<CompletableFuture<CustomerEvent>> resolved = new ArrayList<>(events.size());
        boolean reads = false;
        for (CustomerEvent e : events) {
            if (e.kind().isOffer() && e.decisionId() != null && (e.offerId() == null || e.channel() == null)) {
                reads = true;
                resolved.add(repository.recordedDecision(e.customerId(), e.decisionId()).thenApply(json -> resolve(e, json))
                        .toCompletableFuture());
            } else {
                resolved.add(CompletableFuture.completedFuture(e));
            }
        }
        if (!reads) {
            return CompletableFuture.completedFuture(events);
        }
        return CompletableFuture.allOf(resolved.toArray(CompletableFuture[]::new)).handle((ignored, error) -> {
            List<Problem> problems = new ArrayList<>();
            List<CustomerEvent> out = new ArrayList<>(events.size());
            for (int i = 0; i < events.size(); i++) {
                try {
                    out.add(resolved.get(i).join());
                } catch (CompletionException ex) {
                    if (!(ex.getCause() instanceof InvalidEventsException invalid)) {
                        throw ex;
                    }
                    problems.addAll(invalid.problems());
                    count(tag(events.get(i).kind()), "invalid", 1);
                }
            }
            if (!problems.isEmpty()) {
                throw new InvalidEventsException(problems);
            }
            return out;
        });
    }

    private static CustomerEvent resolve(CustomerEvent e, Optional<String> recordJson) {
        Optional<List<RecordedOffer>> offers = recordJson.flatMap(EventService::recordedOffers);
        if (offers.isEmpty()) {
            List<Problem> problems = new ArrayList<>();
            String why = "required: decision " + e.decisionId() + " is not recorded (unknown, or expired)";
            if (e.offerId() == null) {
                problems.add(new Problem(e.at() + "/offerId", why));
            }
            if (e.channel() == null) {
                problems.add(new Problem(e.at() + "/channel", why));
            }
            throw new InvalidEventsException(problems);
        }
        String offerId = e.offerId() != null ? e.offerId() : offers.get().get(0).id();
        Optional<RecordedOffer> offer = offers.get().stream().filter(o -> o.id().equals(offerId)).findFirst();
        if (e.channel() != null) {
            return e.resolved(offerId, e.channel());
        }
        if (offer.isEmpty()) {
            throw new InvalidEventsException(List.of(new Problem(e.at() + "/channel",
                    "required: offer " + offerId + " is not in decision " + e.decisionId())));
        }
        return e.resolved(offerId, offer.get().channel());
    }

    /** One offer of a recorded decision: its id and channel. */
    private record RecordedOffer(String id, String channel) {
    }

    private static Optional<List<RecordedOffer>> recordedOffers(String json) {
        try {
            List<RecordedOffer> offers = new ArrayList<>();
            for (JsonNode o : Json.MAPPER.readTree(json).path("o")) {
                if (o.path("id").isTextual() && o.path("ch").isTextual()) {
                    offers.add(new RecordedOffer(o.get("id").textValue(), o.get("ch").textValue()));
                }
            }
            return offers.isEmpty() ? Optional.empty() : Optional.of(offers);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    private CompletionStage<Ingested> applyAll(List<CustomerEvent> events, Instant now, Executor continueOn) {
        List<CompletableFuture<EventRepository.Applied>> applied = new ArrayList<>(events.size());
        for (CompletionStage<EventRepository.Applied> stage : repository.apply(events, now)) {
            applied.add(stage.toCompletableFuture());
        }
        return CompletableFuture.allOf(applied.toArray(CompletableFuture[]::new)).handleAsync((ignored, error) -> {
            List<EventResult> results = new ArrayList<>(events.size());
            Map<String, int[]> tally = new HashMap<>();
            int fresh = 0;
            int duplicates = 0;
            Throwable failure = null;
            for (int i = 0; i < events.size(); i++) {
                CustomerEvent e = events.get(i);
                CompletableFuture<EventRepository.Applied> f = applied.get(i);
                int[] byResult = tally.computeIfAbsent(tag(e.kind()), t -> new int[3]);
                if (f.isCompletedExceptionally()) {
                    failure = failure == null ? unwrap(f.handle((v, ex) -> ex).join()) : failure;
                    byResult[2]++;
                    continue;
                }
                EventRepository.Applied a = f.join();
                if (a.duplicate()) {
                    duplicates++;
                    byResult[1]++;
                    results.add(new EventResult(e.eventId(), EventResult.DUPLICATE, null));
                } else {
                    fresh++;
                    byResult[0]++;
                    results.add(new EventResult(e.eventId(), EventResult.APPLIED, a.attribution()));
                }
            }
            tally.forEach((type, n) -> {
                count(type, "applied", n[0]);
                count(type, "duplicate", n[1]);
                count(type, "failed", n[2]);
            });
            if (failure != null) {
                throw new EventsNotStoredException(fresh + duplicates, events.size(), failure.getMessage());
            }
            return new Ingested(fresh, duplicates, results);
        }, continueOn);
    }

    /** The report over UTC days {@code from}..{@code to}: every partition's counters of each day, summed. */
    public CompletionStage<OfferReport> report(LocalDate from, LocalDate to, OfferReport.Filter filter, Executor continueOn) {
        List<LocalDate> days = from.datesUntil(to.plusDays(1)).toList();
        Map<String, Double> sums = new HashMap<>();
        return inFlight(KeySchema.PARTITIONS, REPORT_IN_FLIGHT, p -> repository.reportSums(p, days).thenAccept(partial -> {
            synchronized (sums) {
                partial.forEach((field, sum) -> sums.merge(field, sum, Double::sum));
            }
        })).thenApplyAsync(ignored -> {
            synchronized (sums) {
                return OfferReport.of(from, to, sums, filter);
            }
        }, continueOn);
    }

    /** Runs {@code call(0..count-1)} with at most {@code limit} calls awaiting Redis at once; fails at the first failure. */
    private static CompletionStage<Void> inFlight(int count, int limit, IntFunction<CompletionStage<?>> call) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        Runnable[] launch = new Runnable[1];
        launch[0] = () -> {
            int i = next.getAndIncrement();
            if (i >= count || done.isDone()) {
                return;
            }
            CompletionStage<?> stage;
            try {
                stage = call.apply(i);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
                return;
            }
            stage.whenComplete((v, error) -> {
                if (error != null) {
                    done.completeExceptionally(unwrap(error));
                } else if (finished.incrementAndGet() == count) {
                    done.complete(null);
                } else {
                    launch[0].run();
                }
            });
        };
        for (int i = 0; i < Math.min(limit, count); i++) {
            launch[0].run();
        }
        return done;
    }

    private void count(String type, String result, int n) {
        if (n > 0) {
            counters.computeIfAbsent(type + '/' + result, k -> registry.counter(EVENTS_RECEIVED, "type", type, "result", result))
                    .increment(n);
        }
    }

    /** The metric tag of a type: bounded, so custom behaviour counts as {@code other}. */
    private static String tag(EventType kind) {
        return kind == null ? "unknown" : kind.id();
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
