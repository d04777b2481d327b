package io.nbo.testing;

import io.nbo.security.ApiKeys;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The application with access control on (as in production), one key per role plus one with several,
 * and the benchmark floor on so that its role is checked too. The keys are fixed so failures are readable.
 */
public class AccessControlOn implements QuarkusTestProfile {

    public static final String CHANNEL_KEY = "test-channel-key-0123456789abcdefghijklmnop";
    public static final String MARKETER_KEY = "test-marketer-key-0123456789abcdefghijklmno";
    public static final String ADMIN_KEY = "test-admin-key-0123456789abcdefghijklmnopqr";
    public static final String METRICS_KEY = "test-metrics-key-0123456789abcdefghijklmnop";
    /** channel + marketer: a key may hold several roles. */
    public static final String OPS_KEY = "test-ops-key-0123456789abcdefghijklmnopqrst";
    /** Looks like a key, is not configured. */
    public static final String UNKNOWN_KEY = "test-unknown-key-0123456789abcdefghijklmnop";

    /** The role's key. */
    public static String keyOf(String role) {
        return switch (role) {
            case "channel" -> CHANNEL_KEY;
            case "marketer" -> MARKETER_KEY;
            case "admin" -> ADMIN_KEY;
            case "metrics" -> METRICS_KEY;
            default -> throw new IllegalArgumentException(role);
        };
    }

    /** The {@code nbo.security.keys} value: names tell who acted in the audit log. */
    public static String keysConfig() {
        return String.join(",",
                "web-shop:channel:" + ApiKeys.hash(CHANNEL_KEY),
                "marketing-team:marketer:" + ApiKeys.hash(MARKETER_KEY),
                // upper-case hex and a new line between entries are accepted too
                "dpo:admin:" + ApiKeys.hash(ADMIN_KEY).toUpperCase(java.util.Locale.ROOT) + "\n",
                "prometheus:metrics:" + ApiKeys.hash(METRICS_KEY),
                "ops:channel+marketer:" + ApiKeys.hash(OPS_KEY));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("nbo.security.enabled", "true", "nbo.security.keys", keysConfig(), "nbo.benchmark.floor-enabled", "true");
    }
}
