package io.nbo.rules;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.nbo.config.NboConfig;
import io.nbo.health.NboMetrics;
import io.nbo.model.SourceError;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Holds the active rule set. The rules folder is compiled off the request path (at start, then
 * whenever its content hash changes) and swapped in with one atomic reference: a decision keeps the
 * snapshot it started with, and a rule set that fails to compile never replaces the good one.
 */
@ApplicationScoped
public class RuleSetRegistry {

    private static final Logger LOG = Logger.getLogger(RuleSetRegistry.class);
    private static final String UNREADABLE = "(unreadable)";

    /** The last failed attempt, for health and the API. */
    public record Failure(String version, Instant at, List<SourceError> errors) {
    }

    private final RuleSetCompiler compiler;
    private final Path dir;
    private final AtomicReference<RuleSet> active = new AtomicReference<>();
    private final AtomicReference<Failure> lastFailure = new AtomicReference<>();
    private final MultiGauge activeVersion;
    private final Counter reloadsOk;
    private final Counter reloadsFailed;
    private final Timer compileTime;
    private volatile String lastSeenVersion;

    public RuleSetRegistry(RuleSetCompiler compiler, NboConfig config, MeterRegistry registry) {
        this.compiler = compiler;
        this.dir = Path.of(config.rules().dir());
        this.activeVersion = MultiGauge.builder(NboMetrics.RULESET_ACTIVE).description("1 for the active rule-set version").register(registry);
        this.reloadsOk = registry.counter(NboMetrics.RULESET_RELOADS, "result", "ok");
        this.reloadsFailed = registry.counter(NboMetrics.RULESET_RELOADS, "result", "failed");
        this.compileTime = Timer.builder(NboMetrics.RULESET_COMPILE).description("Time to compile a rule set").register(registry);
        Gauge.builder(NboMetrics.RULESET_RULES, active, a -> a.get() == null ? 0 : a.get().ruleCount()).register(registry);
        Gauge.builder(NboMetrics.RULESET_OFFERS, active, a -> a.get() == null ? 0 : a.get().catalog().size()).register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        reloadIfChanged();
    }

    /** The rule set decisions use now, or null if none has ever compiled. */
    public RuleSet active() {
        return active.get();
    }

    public Failure lastFailure() {
        return lastFailure.get();
    }

    public Path dir() {
        return dir;
    }

    @Scheduled(every = "${nbo.rules.poll-interval:2s}", delayed = "${nbo.rules.poll-interval:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        reloadIfChanged();
    }

    /**
     * Compiles the folder if its content changed since the last attempt.
     *
     * @return true when a new rule set became active
     */
    public synchronized boolean reloadIfChanged() {
        Map<String, String> files;
        try {
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("rules folder not found: " + dir.toAbsolutePath());
            }
            files = RuleSetCompiler.readFolder(dir);
        } catch (RuntimeException e) {
            // Reported once, not on every poll, until the folder can be read again.
            if (!UNREADABLE.equals(lastSeenVersion)) {
                lastSeenVersion = UNREADABLE;
                fail(null, List.of(new SourceError(dir.toString(), 0, 0, e.getMessage())));
            }
            return false;
        }
        String version = RuleSetCompiler.versionOf(files);
        if (version.equals(lastSeenVersion)) {
            return false;
        }
        lastSeenVersion = version;
        long start = System.nanoTime();
        try {
            RuleSet next = compiler.compile(files);
            RuleSet previous = active.getAndSet(next);
            lastFailure.set(null);
            reloadsOk.increment();
            activeVersion.register(List.of(MultiGauge.Row.of(Tags.of("version", next.version()), 1)), true);
            LOG.infof("rule set %s active (%d rules, %d offers)%s", next.version(), next.ruleCount(), next.catalog().size(),
                    previous == null ? "" : ", replacing " + previous.version());
            return true;
        } catch (InvalidRuleSetException e) {
            fail(version, e.errors());
            return false;
        } finally {
            compileTime.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private void fail(String version, List<SourceError> errors) {
        reloadsFailed.increment();
        lastFailure.set(new Failure(version, Instant.now(), errors));
        RuleSet current = active.get();
        LOG.errorf("rule set %s refused, %s keeps serving: %s", version == null ? "(unreadable)" : version,
                current == null ? "nothing" : current.version(), errors);
    }
}
