package io.nbo.loadtests;

import java.nio.file.Path;

/**
 * The parameters every simulation reads, as system properties ({@code -Dnbo.rate=2000}), each with its default.
 * run.sh sets them from its environment; see load-tests/README.md for the table.
 */
public final class Params {

    /** The service, always on this machine. */
    public static final String BASE_URL = text("nbo.baseUrl", "http://127.0.0.1:8101");
    /** Open-model arrival rate of the measured phase, users (requests or request pairs) per second. */
    public static final double RATE = number("nbo.rate", 500);
    /** Arrival rate of the warm-up phase; the measured rate unless set. */
    public static final double WARMUP_RATE = number("nbo.warmupRate", RATE);
    /** Warm-up seconds, excluded from the reported figures (its requests are named warmup-*). */
    public static final int WARMUP = (int) number("nbo.warmup", 20);
    /** Measured seconds. */
    public static final int DURATION = (int) number("nbo.duration", 60);
    /** Demo customers demo-000001 .. demo-N, as imported by run.sh. */
    public static final int CUSTOMERS = (int) number("nbo.customers", 1_000_000);
    /** Seed of the random customers, pages and events, so two runs send the same kind of traffic. */
    public static final long SEED = (long) number("nbo.seed", 42);
    /**
     * Placements pl-0001 .. pl-N and campaigns cmp-0001 .. cmp-M of a generated rule set (RuleSetGenerator:
     * max(3, rules / 25) and max(5, rules / 50)); 0 for the demo rule set's own placements.
     */
    public static final int PLACEMENTS = (int) number("nbo.placements", 0);
    public static final int CAMPAIGNS = (int) number("nbo.campaigns", 0);
    /** Capacity: in-flight requests of the closed-model saturation phases. */
    /** overload: the arrival rate of its overload phase, users/s (three times a 4,800/s capacity). */
    public static final double OVERLOAD_RATE = number("nbo.overloadRate", 14_400);
    public static final int CONCURRENCY = (int) number("nbo.concurrency", 16);
    /** Capacity: rounds of (floor, decision), each phase DURATION / (2 * ROUNDS) seconds. */
    public static final int ROUNDS = (int) number("nbo.rounds", 2);
    /** Capacity: whether POST /bench/floor is there (the service runs with NBO_BENCHMARK_FLOOR_ENABLED=true). */
    public static final boolean FLOOR = Boolean.parseBoolean(text("nbo.floor", "true"));
    /** Publish under load: how many rule sets are published during the measured phase, evenly spaced. */
    public static final int PUBLISHES = (int) number("nbo.publishes", 3);
    /** Publish under load: the rules folder the service started with; each publish is it plus one changed file. */
    public static final Path RULES_DIR = Path.of(text("nbo.rulesDir", "../rules"));
    /** Events: behavioural events per batch besides the impression of the decision just made. */
    public static final int EVENTS_PER_BATCH = (int) number("nbo.eventsPerBatch", 3);

    private Params() {
    }

    static String text(String key, String fallback) {
        String v = System.getProperty(key);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    static double number(String key, double fallback) {
        return Double.parseDouble(text(key, Double.toString(fallback)));
    }
}
