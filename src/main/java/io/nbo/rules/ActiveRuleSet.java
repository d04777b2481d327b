package io.nbo.rules;

import io.nbo.model.SourceError;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The rule set decisions use now: one atomic reference, swapped whole, so a decision keeps the snapshot
 * it started with. It also keeps the versions compiled here, so that swapping back costs no compile, and
 * the last refused change, for health, metrics and the API. A refused change never replaces the good one.
 */
@ApplicationScoped
public class ActiveRuleSet {

    private static final Logger LOG = Logger.getLogger(ActiveRuleSet.class);

    /** The last refused rule set, for health, metrics and the API. */
    public record Failure(String version, String source, Instant at, List<SourceError> errors, List<String> testFailures) {
    }

    private final RuleSetMeters meters;
    private final AtomicReference<RuleSet> active = new AtomicReference<>();
    private final AtomicReference<Failure> lastFailure = new AtomicReference<>();
    private volatile String lastRefusedVersion;
    /**
     * The active and the previous compiled version, so a rollback swaps at once instead of compiling
     * again. Only two: a 10,000-rule set keeps about 150 MB of heap and 20 MB of metaspace (load-tests/README.md).
     */
    private final Map<String, RuleSet> compiled = Collections.synchronizedMap(new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RuleSet> eldest) {
            return size() > 2;
        }
    });

    public ActiveRuleSet(RuleSetMeters meters) {
        this.meters = meters;
        meters.watch(this);
    }

    /** The rule set decisions use now, or null if none has ever compiled. */
    public RuleSet current() {
        return active.get();
    }

    /** The last change refused since a version was made active; null when none. */
    public Failure lastFailure() {
        return lastFailure.get();
    }

    /** A version compiled here lately (the active or the previous one), or null. */
    RuleSet compiled(String version) {
        return compiled.get(version);
    }

    /** Whether {@code version} is the last change refused here. */
    boolean isRefused(String version) {
        return version.equals(lastRefusedVersion);
    }

    /** Makes {@code next} the rule set decisions use; {@code source} says where it comes from, for the log. */
    synchronized void swap(RuleSet next, String source) {
        // Counted from here on: the sessions the decisions use, not those of its validation.
        next.onDiscard(meters.discards());
        compiled.put(next.version(), next);
        RuleSet previous = active.getAndSet(next);
        // A change that went live makes the last refused one history, also when it gives the version
        // already serving (a failing scenario fixed: the rules, so the version, are the same).
        lastFailure.set(null);
        lastRefusedVersion = null;
        if (previous != null && previous.version().equals(next.version())) {
            return;
        }
        meters.activated(next.version());
        LOG.infof("rule set %s active (%d rules, %d offers), %s%s", next.version(), next.ruleCount(), next.catalog().size(), source,
                previous == null ? "" : ", replacing " + previous.version());
    }

    /** Keeps a refused change for health, metrics and the API; what is active keeps serving. Returns what it keeps. */
    synchronized Failure refuse(RuleSetValidator.Validation validation, String source) {
        meters.refused();
        lastRefusedVersion = validation.version();
        Failure failure = new Failure(validation.version(), source, Instant.now(), validation.errors(), validation.testFailures());
        lastFailure.set(failure);
        RuleSet current = active.get();
        LOG.errorf("rule set %s (%s) refused, %s keeps serving: %s%s", validation.version() == null ? "(unreadable)" : validation.version(),
                source, current == null ? "nothing" : current.version(), validation.errors(),
                validation.testFailures().isEmpty() ? "" : " failing scenarios: " + validation.testFailures());
        return failure;
    }

    /** Forgets {@code failure} when it is still the last one: what caused it was undone. */
    synchronized void forget(Failure failure) {
        if (failure != null && lastFailure.compareAndSet(failure, null)) {
            lastRefusedVersion = null;
        }
    }
}
