package io.nbo.events;

import io.lettuce.core.ScriptOutputType;
import io.nbo.context.CustomerCodec;
import io.nbo.context.ProfileValues;
import io.nbo.model.Event;
import io.nbo.redis.KeySchema;
import io.nbo.redis.RedisConnection;
import io.nbo.redis.RedisScript;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Stores events in Redis: each event is ONE script call that checks it was not applied before,
 * attributes it to the recorded decision it names, appends it to its partition's stream, moves the
 * counters and changes the customer's context, all atomically (see {@link KeySchema}).
 */
public final class EventRepository {

    /** Applies one event exactly once; src/main/resources/redis/event-apply.lua names its KEYS and ARGV. */
    static final RedisScript APPLY = RedisScript.of("event-apply", ScriptOutputType.MULTI);

    /** Sums one partition's report counters over days. */
    static final RedisScript REPORT = RedisScript.of("report-sum", ScriptOutputType.MULTI);

    /** Days as the report keys name them. */
    static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

    /** How long things are kept. */
    record Retention(Duration dedupeWindow, Duration stream, Duration contacts, Duration report) {
    }

    /** What applying one event did. */
    record Applied(boolean duplicate, Attribution attribution) {
    }

    /** What each offer event type is to learning: {@code t} a trial, {@code p} a positive, {@code ""} neither. */
    @FunctionalInterface
    interface LearningRoles {
        String role(String type);
    }

    private final RedisConnection redis;
    private final Retention retention;
    private final LearningRoles learning;

    /** @param timeout how long Redis may take for one call of the scripts, counted from when its batch is sent */
    EventRepository(RedisConnection redis, Retention retention, Duration timeout, LearningRoles learning) {
        this.redis = redis;
        this.retention = retention;
        this.learning = learning;
        redis.allowLonger(APPLY, timeout);
        redis.allowLonger(REPORT, timeout);
    }

    /**
     * Applies checked events (offer events with their offer and channel resolved), each exactly once,
     * in order, written to Redis in one go. Each result fails with a
     * {@link io.nbo.config.StoreUnavailableException} when Redis failed or was too slow for it.
     */
    List<CompletionStage<Applied>> apply(List<CustomerEvent> events, Instant now) {
        List<RedisScript.Call> calls = new ArrayList<>(events.size());
        Batch batch = new Batch(now);
        for (CustomerEvent e : events) {
            calls.add(call(e, now, batch));
        }
        List<CompletionStage<List<Object>>> replies;
        try {
            replies = APPLY.runAll(redis, calls);
        } catch (RuntimeException e) {
            replies = Collections.nCopies(events.size(), CompletableFuture.failedFuture(e));
        }
        List<CompletionStage<Applied>> applied = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            CustomerEvent e = events.get(i);
            CompletionStage<List<Object>> reply = replies.get(i);
            applied.add(redis.guarded(() -> reply).thenApply(r -> applied(e, r)));
        }
        return applied;
    }

    private RedisScript.Call call(CustomerEvent e, Instant now, Batch batch) {
        String[] customer = KeySchema.keys(e.customerId());
        int partition = KeySchema.partition(e.customerId());
        Day day = batch.day(e.timestamp());
        boolean offer = e.kind().isOffer();
        String[] keys;
        if (offer) {
            keys = new String[e.decisionId() != null ? 7 : 5];
            keys[2] = customer[KeySchema.ENGAGEMENT];
            keys[3] = customer[KeySchema.CONTACTS];
            keys[4] = KeySchema.report(partition, day.name());
            if (keys.length == 7) {
                keys[5] = KeySchema.decision(e.customerId(), e.decisionId());
                keys[6] = KeySchema.learned(e.customerId(), e.decisionId());
            }
        } else {
            keys = new String[] {null, null, customer[KeySchema.RECENT], customer[KeySchema.CART], customer[KeySchema.CONSENT],
                customer[KeySchema.PROFILE]};
        }
        keys[0] = customer[KeySchema.SEEN];
        keys[1] = KeySchema.events(partition);
        List<String> args = new ArrayList<>(offer ? 18 : 28);
        args.add(e.eventId());
        args.add(e.type());
        args.add(e.customerId());
        args.add(batch.iso(e.timestamp()));
        args.add(String.valueOf(e.timestamp().toEpochMilli()));
        args.add(batch.now);
        args.add(batch.seenCutoff);
        args.add(batch.streamMinId);
        args.add(batch.contactsCutoff);
        args.add(day.expiry());
        args.add(orEmpty(e.decisionId()));
        args.add(orEmpty(e.channel()));
        args.add(e.amount() == null ? "" : String.valueOf(e.amount()));
        args.add(e.attributes().isEmpty() ? "" : Json.write(e.attributes()));
        if (offer) {
            args.add("offer");
            args.add(e.offerId());
            args.add(e.kind().engagementMetric());
            args.add(e.kind().reportMetric());
            args.add(learning.role(e.type()));
        } else {
            args.add("behaviour");
            behaviourArgs(e, now, args);
        }
        return new RedisScript.Call(keys, args.toArray(String[]::new));
    }

    /** A UTC day of events: its report key's suffix and expiry. */
    private record Day(String name, String expiry) {
    }

    /** What the events of one batch share, worked out once: the cutoffs, and days and times already formatted. */
    private final class Batch {
        final String now;
        final String seenCutoff;
        final String streamMinId;
        final String contactsCutoff;
        private final Map<Long, Day> days = new HashMap<>();
        private final Map<Instant, String> times = new HashMap<>();

        Batch(Instant at) {
            long ms = at.toEpochMilli();
            now = String.valueOf(ms);
            // A timestamp up to MAX_AHEAD in the future is accepted, so ids are kept that much longer.
            seenCutoff = String.valueOf(ms - retention.dedupeWindow().plus(EventReader.MAX_AHEAD).toMillis());
            streamMinId = String.valueOf(ms - retention.stream().toMillis());
            contactsCutoff = String.valueOf(ms - retention.contacts().toMillis());
        }

        Day day(Instant t) {
            return days.computeIfAbsent(Math.floorDiv(t.getEpochSecond(), 86_400L), epochDay -> {
                LocalDate d = LocalDate.ofEpochDay(epochDay);
                return new Day(DAY.format(d), String.valueOf(d.atStartOfDay(ZoneOffset.UTC).toInstant().plus(retention.report()).toEpochMilli()));
            });
        }

        String iso(Instant t) {
            return times.computeIfAbsent(t, Instant::toString);
        }
    }

    private static Applied applied(CustomerEvent e, List<Object> reply) {
        if (EventResult.DUPLICATE.equals(reply.get(0))) {
            return new Applied(true, null);
        }
        if (reply.size() < 6) {
            return new Applied(false, null);
        }
        boolean attributed = ((Long) reply.get(4)) == 1L;
        return new Applied(false, new Attribution(e.decisionId(), (String) reply.get(1), (String) reply.get(2), (String) reply.get(3),
                attributed, attributed ? null : (String) reply.get(5)));
    }

    private static void behaviourArgs(CustomerEvent e, Instant now, List<String> args) {
        args.add(e.kind().isRecorded() ? CustomerCodec.recentEntry(recentEvent(e)) : "");
        args.add(e.kind() == EventType.OPT_IN ? "1" : e.kind() == EventType.OPT_OUT ? "0" : "");
        Map<String, Object> a = e.attributes();
        switch (e.kind()) {
            case CART_ADD, CART_REMOVE -> {
                args.add(e.kind() == EventType.CART_ADD ? "add" : "remove");
                for (String name : List.of("sku", "name", "category", "price", "quantity")) {
                    args.add(text(a.get(name)));
                }
            }
            case PURCHASE -> args.add("empty");
            default -> args.add("");
        }
        if (e.kind() == EventType.PROFILE_CHANGE) {
            args.add(ProfileValues.encode(now));
            args.add(String.valueOf(a.size()));
            a.forEach((name, value) -> {
                args.add(name);
                args.add(ProfileValues.encode(value));
            });
        } else {
            args.add("");
            args.add("0");
        }
    }

    /**
     * The event as the customer's recent events hold it: its attributes as text, with the channel
     * and a purchase's amount among them so rules can read them too.
     */
    static Event recentEvent(CustomerEvent e) {
        Map<String, String> attributes = new LinkedHashMap<>();
        e.attributes().forEach((name, value) -> attributes.put(name, text(value)));
        if (e.channel() != null) {
            attributes.putIfAbsent("channel", e.channel());
        }
        if (e.amount() != null) {
            attributes.put("amount", String.valueOf(e.amount()));
        }
        return new Event(e.type(), e.timestamp(), attributes);
    }

    /** The recorded decision a customer's event names, as stored (JSON); empty when unknown or expired. */
    CompletionStage<Optional<String>> recordedDecision(String customerId, String decisionId) {
        return redis.guarded(() -> redis.commands().get(KeySchema.decision(customerId, decisionId)).thenApply(Optional::ofNullable));
    }

    /** The report counters of one partition summed over days: {@code offer|channel|version|metric} → sum. */
    CompletionStage<Map<String, Double>> reportSums(int partition, List<LocalDate> days) {
        String[] keys = days.stream().map(d -> KeySchema.report(partition, DAY.format(d))).toArray(String[]::new);
        return redis.guarded(() -> REPORT.<List<Object>>run(redis.commands(), keys)).thenApply(reply -> {
            Map<String, Double> sums = new LinkedHashMap<>();
            for (int i = 0; i + 1 < reply.size(); i += 2) {
                sums.put((String) reply.get(i), Double.parseDouble((String) reply.get(i + 1)));
            }
            return sums;
        });
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }
}
