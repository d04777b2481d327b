package io.nbo.health;

/** Names of nbo's own meters, in one place. Tags are bounded: never a customer id. */
public final class NboMetrics {

    /** Timer of whole decisions; tags {@code channel}, {@code outcome} (ok, partial, degraded). */
    public static final String DECISION_LATENCY = "nbo.decision.latency";
    /** Counter of offers returned; tags {@code offer}, {@code channel}. */
    public static final String OFFERS_SERVED = "nbo.offers.served";
    /** Counter of rule firings across all decisions. */
    public static final String RULES_FIRED = "nbo.rules.fired";
    /** Gauge, 1 for the active rule-set version; tag {@code version}. */
    public static final String RULESET_ACTIVE = "nbo.ruleset.active";
    /** Gauge of the rules in the active rule set. */
    public static final String RULESET_RULES = "nbo.ruleset.rules";
    /** Gauge of the offers in the active catalog. */
    public static final String RULESET_OFFERS = "nbo.ruleset.offers";
    /** Counter of rule-set loads; tag {@code result} (ok, failed). */
    public static final String RULESET_RELOADS = "nbo.ruleset.reloads";
    /** Timer of compiling a rule set. */
    public static final String RULESET_COMPILE = "nbo.ruleset.compile";
    /**
     * Counter of resident rule sessions disposed of after a decision instead of serving the next; tag
     * {@code reason} (integrity: the rules changed the session's facts; budget; firing_limit; error: a rule threw).
     */
    public static final String RULES_SESSIONS_DISCARDED = "nbo.rules.sessions.discarded";

    /** Counter of offers the contact policies stopped; tags {@code policy} (its name in policies.yaml), {@code code} (capped, suppressed, sold_out). */
    public static final String POLICY_SUPPRESSIONS = "nbo.policy.suppressions";
    /** Counter of caps checked atomically when serving; tag {@code result} (passed, capped). */
    public static final String POLICY_CAP_CHECKS = "nbo.policy.cap.checks";
    /**
     * Counter of events received; tags {@code type} (the event type; {@code other} for custom
     * behaviour, {@code unknown} when unreadable) and {@code result} (applied, duplicate, invalid, failed).
     */
    public static final String EVENTS = "nbo.events";

    /** Counter of requests refused at once because too many were in flight; tag {@code route} (decisions, events). */
    public static final String REQUESTS_SHED = "nbo.requests.shed";
    /** Gauge of requests in flight on a shedding route; tag {@code route} (decisions, events). */
    public static final String REQUESTS_IN_FLIGHT = "nbo.requests.in.flight";

    private NboMetrics() {
    }
}
