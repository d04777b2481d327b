package io.nbo.decision;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Why an answer is partial, degraded or empty: the codes of a decision's {@code reasons}, each
 * knowing what it does to the answer (the OpenFeature {@code Reason}/{@code ErrorCode} habit), so no
 * one has to search the codes to tell.
 */
public enum Reason {
    /** No customer id: decided on the request context alone. */
    ANONYMOUS("anonymous", Impact.PARTIAL),
    /** An id with no profile: decided on the request context, with what their events stored. */
    UNKNOWN_CUSTOMER("unknown_customer", Impact.PARTIAL),
    /** Redis could not be read in time: decided without the customer's data. */
    CONTEXT_UNAVAILABLE("context_unavailable", Impact.DEGRADED),
    /** No rule set has compiled yet. */
    NO_RULE_SET("no_rule_set", Impact.FAILED),
    /** A rule threw. */
    RULES_FAILED("rules_failed", Impact.FAILED),
    /** The rules were stopped by the firing limit. */
    RULE_FIRING_LIMIT("rule_firing_limit", Impact.PARTIAL),
    /** The rules were stopped by the time budget. */
    RULE_TIME_BUDGET("rule_time_budget", Impact.PARTIAL),
    /** The rules changed the facts kept between decisions, so their session was thrown away. */
    SESSION_DISCARDED("session_discarded", Impact.PARTIAL),
    /** The contact policies could not be checked against Redis: only offers no cap covers were served. */
    POLICY_UNCHECKED("policy_unchecked", Impact.DEGRADED),
    /** Nothing was served, or only the fallback. */
    NO_ELIGIBLE_OFFER("no_eligible_offer", Impact.NONE),
    /** Nothing else could be served, so the catalog's fallback offer was. */
    FALLBACK_OFFER("fallback_offer", Impact.NONE);

    /** What a reason does to the answer. */
    public enum Impact {
        /** The answer is whole: the reason only explains it. */
        NONE,
        /** Decided with less than the full context or with rules cut short: {@code partial}. */
        PARTIAL,
        /** The engine could not decide (no rules, or they threw): {@code partial}, and counted as degraded. */
        FAILED,
        /** Redis could not be used: {@code partial} and {@code degraded}. */
        DEGRADED
    }

    private final String code;
    private final Impact impact;

    Reason(String code, Impact impact) {
        this.code = code;
        this.impact = impact;
    }

    /** The code in the JSON answer. */
    @JsonValue
    public String code() {
        return code;
    }

    /** The answer is partial. */
    public boolean makesPartial() {
        return impact != Impact.NONE;
    }

    /** The answer says {@code degraded}: Redis could not be used. */
    public boolean makesDegraded() {
        return impact == Impact.DEGRADED;
    }

    /** The decision counts as degraded in the latency meter: Redis could not be used or the rules did not run. */
    public boolean countsDegraded() {
        return impact == Impact.DEGRADED || impact == Impact.FAILED;
    }

    /** The rules did not run as they should (a scenario that meets one of these fails). */
    public boolean cutsRulesShort() {
        return this == RULE_FIRING_LIMIT || this == RULE_TIME_BUDGET || this == SESSION_DISCARDED;
    }

    @Override
    public String toString() {
        return code;
    }
}
