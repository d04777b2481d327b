package io.nbo.context;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a customer lives in Redis. Every key of one customer carries the hash tag {@code {c:<id>}},
 * so all of them sit on one Redis Cluster slot and one script can read or write them atomically.
 *
 * <table>
 * <tr><th>key</th><th>type</th><th>holds</th></tr>
 * <tr><td>{@code nbo:{c:ID}:profile}</td><td>hash</td><td>attribute → typed value ({@code s:}, {@code n:}, {@code b:}, {@code d:}, {@code t:}); {@code @updatedAt}</td></tr>
 * <tr><td>{@code nbo:{c:ID}:consent}</td><td>hash</td><td>channel → {@code 1} / {@code 0}</td></tr>
 * <tr><td>{@code nbo:{c:ID}:engagement}</td><td>hash</td><td>{@code channel:metric} → count</td></tr>
 * <tr><td>{@code nbo:{c:ID}:cart}</td><td>string</td><td>the cart as JSON</td></tr>
 * <tr><td>{@code nbo:{c:ID}:recent}</td><td>list</td><td>recent events as JSON, newest first</td></tr>
 * </table>
 */
public final class KeySchema {

    /** Customer ids: 1-128 characters, no braces (they would break the hash tag) and no spaces. */
    public static final Pattern CUSTOMER_ID = Pattern.compile("[A-Za-z0-9._:@+-]{1,128}");

    private KeySchema() {
    }

    /** The hash tag every key of this customer shares. */
    public static String tag(String customerId) {
        return "{c:" + customerId + "}";
    }

    /** The customer's keys in the order the scripts expect: profile, consent, engagement, cart, recent. */
    public static String[] keys(String customerId) {
        String prefix = "nbo:" + tag(customerId) + ":";
        return new String[] {prefix + "profile", prefix + "consent", prefix + "engagement", prefix + "cart", prefix + "recent"};
    }

    /** The same keys as a list, for documentation and tests. */
    public static List<String> keyList(String customerId) {
        return List.of(keys(customerId));
    }
}
