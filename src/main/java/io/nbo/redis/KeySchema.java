package io.nbo.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Where customers live in Redis. Customers are spread over {@link #PARTITIONS} partitions by a hash
 * of their id; every key of a partition carries its hash tag {@code {p:NNNN}}, so a customer's keys,
 * the event stream their events go to, the report counters those events move and the decisions made
 * for them all sit on one Redis Cluster slot, and one script can change them together atomically.
 *
 * <table>
 * <tr><th>key</th><th>type</th><th>holds</th></tr>
 * <tr><td>{@code nbo:{p:NNNN}:c:ID:profile}</td><td>hash</td><td>attribute → typed value ({@code s:}, {@code n:}, {@code b:}, {@code d:}, {@code t:}); {@code @updatedAt}</td></tr>
 * <tr><td>{@code nbo:{p:NNNN}:c:ID:consent}</td><td>hash</td><td>channel → {@code 1} / {@code 0}</td></tr>
 * <tr><td>{@code nbo:{p:NNNN}:c:ID:engagement}</td><td>hash</td><td>{@code channel:metric} → count</td></tr>
 * <tr><td>{@code nbo:{p:NNNN}:c:ID:cart}</td><td>string</td><td>the cart as JSON</td></tr>
 * <tr><td>{@code nbo:{p:NNNN}:c:ID:recent}</td><td>list</td><td>recent events as JSON, newest first</td></tr>
 * <tr><td>{@code nbo:{p:NNNN}:c:ID:contacts}</td><td>sorted set</td><td>{@code kind|offer|channel|ref} → time (ms): offers served and responses, for contact policies</td></tr>
 * <tr><td>{@code nbo:{p:NNNN}:c:ID:seen}</td><td>sorted set</td><td>event id → time applied (ms), so an event is applied once</td></tr>
 * <tr><td>{@code nbo:{p:NNNN}:c:ID:journey}</td><td>hash</td><td>the top offer of the current journey: {@code offer}, {@code at}, {@code decision}</td></tr>
 * <tr><td>{@code nbo:{p:NNNN}:c:ID:decisions}</td><td>sorted set</td><td>decision id → time recorded (ms): the customer's recorded decisions, so an erasure finds them; expires with the newest</td></tr>
 * <tr><td>{@code nbo:{p:NNNN}:events}</td><td>stream</td><td>the partition's events, as applied, with their attribution</td></tr>
 * <tr><td>{@code nbo:{p:NNNN}:d:DECISION}</td><td>string</td><td>a recorded decision (JSON), for attribution; expires</td></tr>
 * <tr><td>{@code nbo:{p:NNNN}:d:DECISION:l}</td><td>hash</td><td>{@code t|OFFER}, {@code p|OFFER}: the decision's first trial and positive per offer, already learned; expires with the decision</td></tr>
 * <tr><td>{@code nbo:{p:NNNN}:report:YYYYMMDD}</td><td>hash</td><td>{@code offer|channel|version|metric} → count, per UTC day</td></tr>
 * <tr><td>{@code nbo:{g:OFFER}:taken}</td><td>string</td><td>servings taken from an offer's global cap (its own slot)</td></tr>
 * </table>
 */
public final class KeySchema {

    /**
     * Number of partitions. Fixed: changing it moves every customer. 1,024 spreads customers evenly
     * over a Redis Cluster of up to a few dozen masters.
     */
    public static final int PARTITIONS = 1024;

    /** Customer ids: 1-128 characters, no braces (they would break the hash tag) and no spaces. */
    public static final String CUSTOMER_ID_REGEX = "[A-Za-z0-9._:@+-]{1,128}";
    /** {@link #CUSTOMER_ID_REGEX} compiled. */
    public static final Pattern CUSTOMER_ID = Pattern.compile(CUSTOMER_ID_REGEX);

    /** The customer keys' suffixes, in the order the scripts expect. */
    static final List<String> CUSTOMER_KEYS = List.of("profile", "consent", "engagement", "cart", "recent", "contacts", "seen", "journey");

    /** The names of {@link #personalKeys(String)}, in order: profile, ..., journey, decisions. */
    public static final List<String> PERSONAL_KEY_NAMES = java.util.stream.Stream.concat(CUSTOMER_KEYS.stream(),
            java.util.stream.Stream.of("decisions")).toList();

    /** Index of each customer key in {@link #keys(String)}. */
    public static final int PROFILE = 0;
    public static final int CONSENT = 1;
    public static final int ENGAGEMENT = 2;
    public static final int CART = 3;
    public static final int RECENT = 4;
    public static final int CONTACTS = 5;
    public static final int SEEN = 6;
    public static final int JOURNEY = 7;

    // Built once: formatting the tag for every key of every event showed up as a tenth of the CPU under load.
    private static final String[] PREFIXES = new String[PARTITIONS];

    static {
        for (int p = 0; p < PARTITIONS; p++) {
            PREFIXES[p] = "nbo:" + String.format("{p:%04d}", p) + ":";
        }
    }

    private KeySchema() {
    }

    /** The partition of a customer: CRC-32 of the id's UTF-8 bytes, modulo {@link #PARTITIONS}. */
    public static int partition(String customerId) {
        CRC32 crc = new CRC32();
        crc.update(customerId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % PARTITIONS);
    }

    /** The hash tag every key of this customer shares with the rest of its partition. */
    public static String tag(String customerId) {
        return partitionTag(partition(customerId));
    }

    /** {@code {p:0042}}. */
    public static String partitionTag(int partition) {
        String prefix = PREFIXES[partition];
        return prefix.substring(4, prefix.length() - 1);
    }

    /** The start every key of this partition shares: {@code nbo:{p:0042}:}. */
    public static String partitionPrefix(int partition) {
        return PREFIXES[partition];
    }

    /**
     * The customer's keys in the order the scripts expect: profile, consent, engagement, cart,
     * recent, contacts, seen, journey (see the constants).
     */
    public static String[] keys(String customerId) {
        String prefix = partitionPrefix(partition(customerId)) + "c:" + customerId + ":";
        String[] keys = new String[CUSTOMER_KEYS.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = prefix + CUSTOMER_KEYS.get(i);
        }
        return keys;
    }

    /** The same keys as a list, for documentation and tests. */
    public static List<String> keyList(String customerId) {
        return List.of(keys(customerId));
    }

    /** The index of the customer's recorded decisions (not read by decisions, so not among {@link #keys(String)}). */
    public static String decisionIndex(String customerId) {
        return partitionPrefix(partition(customerId)) + "c:" + customerId + ":decisions";
    }

    /** Every key that belongs to one customer alone: {@link #keys(String)}, then {@link #decisionIndex(String)}. */
    public static String[] personalKeys(String customerId) {
        String[] keys = java.util.Arrays.copyOf(keys(customerId), CUSTOMER_KEYS.size() + 1);
        keys[CUSTOMER_KEYS.size()] = decisionIndex(customerId);
        return keys;
    }

    /** The start of the keys of decisions recorded in the customer's partition: {@code nbo:{p:0042}:d:}. */
    public static String decisionPrefix(String customerId) {
        return partitionPrefix(partition(customerId)) + "d:";
    }

    /** The event stream of the customer's partition. */
    public static String events(String customerId) {
        return partitionPrefix(partition(customerId)) + "events";
    }

    /** The event stream of a partition. */
    public static String events(int partition) {
        return partitionPrefix(partition) + "events";
    }

    /** Where a decision made for this customer is recorded. */
    public static String decision(String customerId, String decisionId) {
        return partitionPrefix(partition(customerId)) + "d:" + decisionId;
    }

    /** What learning marked of a recorded decision: its first trial and first positive per offer, so each teaches once. */
    public static String learned(String customerId, String decisionId) {
        return decision(customerId, decisionId) + ":l";
    }

    /** The report counters of a partition for one UTC day, {@code yyyyMMdd}. */
    public static String report(int partition, String day) {
        return partitionPrefix(partition) + "report:" + day;
    }

    /** Servings taken from an offer's global cap, across all customers. */
    public static String globalCount(String offerId) {
        return "nbo:{g:" + offerId + "}:taken";
    }

    /** The pattern of every customer's profile key, for SCAN. */
    public static final String PROFILE_PATTERN = "nbo:{p:*}:c:*:profile";

    /** The customer id in a profile key found by {@link #PROFILE_PATTERN}. */
    public static String idOfProfileKey(String key) {
        return key.substring("nbo:{p:0000}:c:".length(), key.length() - ":profile".length());
    }
}
