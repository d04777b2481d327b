package io.nbo.events;

import io.lettuce.core.ScriptOutputType;
import io.nbo.context.CustomerCodec;
import io.nbo.context.KeySchema;
import io.nbo.context.ProfileValues;
import io.nbo.context.RedisConnection;
import io.nbo.context.RedisScript;
import io.nbo.model.Event;
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

    /**
     * Applies one event exactly once.
     *
     * <p>KEYS: 1 the customer's seen ids, 2 the partition's stream; then for an offer event 3 the
     * customer's engagement, 4 contacts, 5 the partition's report counters of the event's UTC day,
     * 6 the recorded decision the event names (only when it names one); for behaviour 3 the
     * customer's recent events, 4 cart, 5 consent, 6 profile. (Only the keys an event can touch:
     * each one is parsed by Redis and encoded by the client, for every event.)
     *
     * <p>ARGV: 1 event id, 2 type, 3 customer id, 4 event time (ISO), 5 event time (ms), 6 now (ms),
     * 7 seen cutoff (ms: ids applied before are forgotten), 8 stream MINID (ms), 9 contacts cutoff
     * (ms), 10 the report key's expiry (ms), 11 decision id, 12 channel (for an offer event, the one
     * to use when it is not attributed), 13 amount, 14 attributes JSON ('' each when absent),
     * 15 {@code offer} or {@code behaviour}; then
     * <ul>
     * <li>offer: 16 offer id, 17 engagement metric ({@code sent}, {@code clicks}, ...), 18 report
     * metric ({@code impressions}, ...); the contact kind is the type; an impression drops the
     * decision's {@code pending} contact;</li>
     * <li>behaviour: 16 recent-event JSON ('' none), 17 consent {@code 1}/{@code 0} for channel 12
     * ('' none), 18 cart change ('', {@code add}, {@code remove}, {@code empty}); for add and remove
     * 19 sku, 20 name, 21 category, 22 price, 23 quantity ('' each when not given); then the profile
     * {@code @updatedAt} (encoded, '' when the profile is untouched), m, and m name/encoded-value pairs.</li>
     * </ul>
     *
     * <p>Returns {@code {'duplicate'}}, {@code {'applied'}} for behaviour, or {@code {'applied',
     * offer, channel, version, attributed 1/0, reason}} for an offer event. Every read comes before
     * the first write, so a failure cannot leave an event half applied.
     */
    static final RedisScript APPLY = new RedisScript("""
            local id = ARGV[1]
            if redis.call('ZSCORE', KEYS[1], id) then
              return {'duplicate'}
            end
            local fields = {'eventId', id, 'type', ARGV[2], 'customerId', ARGV[3], 'timestamp', ARGV[4]}
            if ARGV[11] ~= '' then
              fields[#fields + 1] = 'decisionId'
              fields[#fields + 1] = ARGV[11]
            end
            if ARGV[12] ~= '' and ARGV[15] ~= 'offer' then
              fields[#fields + 1] = 'channel'
              fields[#fields + 1] = ARGV[12]
            end
            if ARGV[13] ~= '' then
              fields[#fields + 1] = 'amount'
              fields[#fields + 1] = ARGV[13]
            end
            if ARGV[14] ~= '' then
              fields[#fields + 1] = 'attributes'
              fields[#fields + 1] = ARGV[14]
            end
            local result = {'applied'}
            if ARGV[15] == 'offer' then
              local decision, offer, channel = ARGV[11], ARGV[16], ARGV[12]
              local version, attributed, reason = 'unknown', 0, 'no_decision'
              if decision ~= '' then
                reason = 'decision_unknown'
                local raw = redis.call('GET', KEYS[6])
                local ok, rec = false, nil
                if raw then
                  ok, rec = pcall(cjson.decode, raw)
                end
                if ok and type(rec) == 'table' and type(rec.o) == 'table' then
                  reason = 'offer_not_in_decision'
                  for _, o in ipairs(rec.o) do
                    if type(o) == 'table' and o.id == offer then
                      if type(o.ch) == 'string' then
                        channel = o.ch
                      end
                      if type(rec.v) == 'string' then
                        version = rec.v
                      end
                      attributed, reason = 1, ''
                      break
                    end
                  end
                end
              end
              local counter = offer .. '|' .. channel .. '|' .. version .. '|'
              -- the day's expiry is set when a counter is first created, not on every event
              if redis.call('HINCRBY', KEYS[5], counter .. ARGV[18], 1) == 1 then
                redis.call('PEXPIREAT', KEYS[5], ARGV[10])
              end
              if ARGV[13] ~= '' then
                redis.call('HINCRBYFLOAT', KEYS[5], counter .. 'conversionValue', ARGV[13])
              end
              redis.call('HINCRBY', KEYS[3], channel .. ':' .. ARGV[17], 1)
              redis.call('ZADD', KEYS[4], ARGV[5], ARGV[2] .. '|' .. offer .. '|' .. channel .. '|' .. id)
              if ARGV[2] == 'impression' and decision ~= '' then
                redis.call('ZREM', KEYS[4], 'pending|' .. offer .. '|' .. channel .. '|' .. decision)
              end
              redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[9])
              fields[#fields + 1] = 'offerId'
              fields[#fields + 1] = offer
              fields[#fields + 1] = 'channel'
              fields[#fields + 1] = channel
              fields[#fields + 1] = 'ruleSetVersion'
              fields[#fields + 1] = version
              fields[#fields + 1] = 'attributed'
              fields[#fields + 1] = attributed == 1 and 'true' or 'false'
              result = {'applied', offer, channel, version, attributed, reason}
            else
              local cart = ARGV[18]
              local p = 19
              local items = {}
              if cart == 'add' or cart == 'remove' then
                p = 24
                local raw = redis.call('GET', KEYS[4])
                if raw then
                  local ok, stored = pcall(cjson.decode, raw)
                  if ok and type(stored) == 'table' and type(stored.items) == 'table' then
                    items = stored.items
                  end
                end
                local sku, quantity = ARGV[19], tonumber(ARGV[23])
                local found
                for i, item in ipairs(items) do
                  if type(item) == 'table' and item.sku == sku then
                    found = i
                    break
                  end
                end
                if cart == 'add' then
                  local item = found and items[found] or {sku = sku, quantity = 0, price = 0}
                  item.quantity = (tonumber(item.quantity) or 0) + (quantity or 1)
                  if ARGV[20] ~= '' then item.name = ARGV[20] end
                  if ARGV[21] ~= '' then item.category = ARGV[21] end
                  if ARGV[22] ~= '' then item.price = tonumber(ARGV[22]) end
                  if not found then
                    items[#items + 1] = item
                    if #items > 500 then
                      table.remove(items, 1)
                    end
                  end
                elseif found then
                  local left = (tonumber(items[found].quantity) or 0) - (quantity or math.huge)
                  if left > 0 then
                    items[found].quantity = left
                  else
                    table.remove(items, found)
                  end
                end
              end
              if cart ~= '' then
                -- cjson writes an empty table as {}, and the cart's items must stay a list
                local encoded = #items == 0 and '[]' or cjson.encode(items)
                redis.call('SET', KEYS[4], '{"items":' .. encoded .. ',"updatedAt":"' .. ARGV[4] .. '"}')
              end
              if ARGV[16] ~= '' and redis.call('LPUSH', KEYS[3], ARGV[16]) > 200 then
                redis.call('LTRIM', KEYS[3], 0, 199)
              end
              if ARGV[17] ~= '' then
                redis.call('HSET', KEYS[5], ARGV[12], ARGV[17])
              end
              if ARGV[p] ~= '' then
                redis.call('HSET', KEYS[6], '@updatedAt', ARGV[p], unpack(ARGV, p + 2, p + 1 + 2 * tonumber(ARGV[p + 1])))
              end
            end
            redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[8], '*', unpack(fields))
            redis.call('ZADD', KEYS[1], ARGV[6], id)
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[7])
            return result
            """, ScriptOutputType.MULTI);

    /**
     * Sums report counters over days: KEYS are one partition's report hashes (one per day); returns
     * field, sum pairs (sums as text, so decimal conversion values survive).
     */
    static final RedisScript REPORT = new RedisScript("""
            local sums, order = {}, {}
            for i = 1, #KEYS do
              local kv = redis.call('HGETALL', KEYS[i])
              for j = 1, #kv, 2 do
                local f, v = kv[j], tonumber(kv[j + 1]) or 0
                if sums[f] then
                  sums[f] = sums[f] + v
                else
                  sums[f] = v
                  order[#order + 1] = f
                end
              end
            end
            local out = {}
            for _, f in ipairs(order) do
              out[#out + 1] = f
              out[#out + 1] = string.format('%.17g', sums[f])
            end
            return out
            """, ScriptOutputType.MULTI);

    /** Days as the report keys name them. */
    static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

    /** How long things are kept. */
    record Retention(Duration dedupeWindow, Duration stream, Duration contacts, Duration report) {
    }

    /** What applying one event did. */
    record Applied(boolean duplicate, Attribution attribution) {
    }

    private final RedisConnection redis;
    private final Retention retention;

    /** @param timeout how long Redis may take for one call of the scripts, counted from when its batch is sent */
    EventRepository(RedisConnection redis, Retention retention, Duration timeout) {
        this.redis = redis;
        this.retention = retention;
        redis.allowLonger(APPLY, timeout);
        redis.allowLonger(REPORT, timeout);
    }

    /**
     * Applies checked events (offer events with their offer and channel resolved), each exactly once,
     * in order, written to Redis in one go. Each result fails with a
     * {@link io.nbo.context.RedisUnavailableException} when Redis failed or was too slow for it.
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
            keys = new String[e.decisionId() != null ? 6 : 5];
            keys[2] = customer[KeySchema.ENGAGEMENT];
            keys[3] = customer[KeySchema.CONTACTS];
            keys[4] = KeySchema.report(partition, day.name());
            if (keys.length == 6) {
                keys[5] = KeySchema.decision(e.customerId(), e.decisionId());
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
