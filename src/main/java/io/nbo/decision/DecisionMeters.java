package io.nbo.decision;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nbo.model.Channel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/** The decision pipeline's meters, each looked up in the registry once per tag combination, not on every decision. */
final class DecisionMeters {

    /** Timer of whole decisions; tags {@code channel}, {@code outcome} (ok, partial, degraded). */
    static final String DECISION_LATENCY = "nbo.decision.latency";
    /** Counter of offers returned; tags {@code offer}, {@code channel}. */
    static final String OFFERS_SERVED = "nbo.offers.served";
    /** Counter of rule firings across all decisions. */
    static final String RULES_FIRED = "nbo.rules.fired";
    /** Counter of offers the contact policies stopped; tags {@code policy} (its name in policies.yaml), {@code code} (capped, suppressed, sold_out). */
    static final String POLICY_SUPPRESSIONS = "nbo.policy.suppressions";
    /** Counter of caps checked atomically when serving; tag {@code result} (passed, capped). */
    static final String POLICY_CAP_CHECKS = "nbo.policy.cap.checks";

    /** The {@code outcome} tag of {@link #DECISION_LATENCY}. */
    enum Outcome {
        OK, PARTIAL, DEGRADED;

        final String tag = name().toLowerCase(java.util.Locale.ROOT);
    }

    // Offer and policy names come from the rule sets loaded, so the combinations are bounded by them; a cache past
    // this size starts over rather than keep growing (the registry still holds the meters).
    private static final int MAX_CACHED = 10_000;

    private final MeterRegistry registry;
    private final Counter rulesFired;
    private final Counter capsPassed;
    private final Counter capsCapped;
    private final AtomicReferenceArray<Timer> latency = new AtomicReferenceArray<>(Channel.values().length * Outcome.values().length);
    private final Map<String, Map<String, Counter>> served = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Counter>> suppressions = new ConcurrentHashMap<>();

    DecisionMeters(MeterRegistry registry) {
        this.registry = registry;
        this.rulesFired = registry.counter(RULES_FIRED);
        this.capsPassed = registry.counter(POLICY_CAP_CHECKS, "result", "passed");
        this.capsCapped = registry.counter(POLICY_CAP_CHECKS, "result", "capped");
    }

    void latency(Channel channel, Outcome outcome, long nanos) {
        int i = channel.ordinal() * Outcome.values().length + outcome.ordinal();
        Timer timer = latency.get(i);
        if (timer == null) {
            timer = Timer.builder(DECISION_LATENCY).description("Time to make a decision")
                    .tags("channel", channel.id(), "outcome", outcome.tag)
                    .publishPercentileHistogram()
                    .register(registry);
            latency.set(i, timer);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    void rulesFired(int firings) {
        rulesFired.increment(firings);
    }

    void served(String offerId, String channel) {
        counter(served, OFFERS_SERVED, "offer", offerId, "channel", channel).increment();
    }

    void suppressed(String policy, io.nbo.policy.Suppressed code) {
        counter(suppressions, POLICY_SUPPRESSIONS, "policy", policy, "code", code.code()).increment();
    }

    void capChecked(boolean passed) {
        (passed ? capsPassed : capsCapped).increment();
    }

    private Counter counter(Map<String, Map<String, Counter>> cache, String name, String tag, String value, String tag2, String value2) {
        Map<String, Counter> byValue = cache.get(value);
        if (byValue == null) {
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            byValue = cache.computeIfAbsent(value, v -> new ConcurrentHashMap<>());
        }
        Counter counter = byValue.get(value2);
        if (counter == null) {
            counter = registry.counter(name, tag, value, tag2, value2);
            byValue.put(value2, counter);
        }
        return counter;
    }
}
