package io.nbo.rules;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The rule-set lifecycle's meters, and their names. Tags are bounded: a version, a result, a reason. */
@ApplicationScoped
public class RuleSetMeters {

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

    private final MeterRegistry registry;
    private final MultiGauge activeVersion;
    private final Counter reloadsOk;
    private final Counter reloadsFailed;
    private final Timer compileTime;
    private final Consumer<RuleSet.Discard> countDiscard;

    public RuleSetMeters(MeterRegistry registry) {
        this.registry = registry;
        this.activeVersion = MultiGauge.builder(RULESET_ACTIVE).description("1 for the active rule-set version").register(registry);
        this.reloadsOk = registry.counter(RULESET_RELOADS, "result", "ok");
        this.reloadsFailed = registry.counter(RULESET_RELOADS, "result", "failed");
        this.compileTime = Timer.builder(RULESET_COMPILE).description("Time to compile a rule set").register(registry);
        Map<RuleSet.Discard, Counter> discarded = new EnumMap<>(RuleSet.Discard.class);
        for (RuleSet.Discard reason : RuleSet.Discard.values()) {
            discarded.put(reason, Counter.builder(RULES_SESSIONS_DISCARDED).tag("reason", reason.tag)
                    .description("Resident rule sessions disposed of after a decision instead of reused").register(registry));
        }
        this.countDiscard = reason -> discarded.get(reason).increment();
    }

    /** Gauges the rules and offers {@code active} serves; the registry holds it weakly, so it must live as long as the registry. */
    void watch(ActiveRuleSet active) {
        Gauge.builder(RULESET_RULES, active, a -> a.current() == null ? 0 : a.current().ruleCount()).register(registry);
        Gauge.builder(RULESET_OFFERS, active, a -> a.current() == null ? 0 : a.current().catalog().size()).register(registry);
    }

    void compiled(long nanos) {
        compileTime.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A new version went active. */
    void activated(String version) {
        reloadsOk.increment();
        activeVersion.register(List.of(MultiGauge.Row.of(Tags.of("version", version), 1)), true);
    }

    /** A change was refused. */
    void refused() {
        reloadsFailed.increment();
    }

    /** Counts the sessions a rule set disposes of, by reason. */
    Consumer<RuleSet.Discard> discards() {
        return countDiscard;
    }
}
