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
import io.nbo.redis.RedisUnavailableException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The rule-set lifecycle: what decisions use now, and how it changes.
 *
 * <ul>
 * <li>The active version in Redis ({@link RuleSetStore}) is the source of truth for every replica.
 *     A replica hears of a change at once by pub/sub, and checks the key on every poll in case it
 *     missed a message; it compiles the version off the request path and swaps one atomic reference,
 *     so a decision keeps the snapshot it started with.</li>
 * <li>A new active version reaches every replica in two steps, so that none waits on a compile
 *     once it is active: the publisher stores the version and announces it; every live replica
 *     compiles it and reports ready; only then is it made active, and each replica swaps to the
 *     version it already holds. A replica that cannot compile it stops the publish; one that does
 *     not answer within {@code nbo.rules.rollout-timeout} is named in the answer and catches up
 *     when it is done.</li>
 * <li>A change to the rules folder is compiled, checked by the scenario tests, and published as a
 *     new version, so it reaches every replica. Each folder content is published once: a restart
 *     does not undo a rollback.</li>
 * <li>A rule set that fails to compile, validate or pass its tests never replaces the good one; the
 *     failure is kept for health, metrics and the API.</li>
 * <li>Without Redis, the folder still works on this replica alone, and is published when Redis is back.</li>
 * </ul>
 */
@ApplicationScoped
public class RuleSetRegistry {

    private static final Logger LOG = Logger.getLogger(RuleSetRegistry.class);
    /**
     * Limits of the warm-up run every new rule set gets. The firing limit decides whether the rules
     * loop; the wall clock only stops a run that would never end, since a time budget (1 s, then 5 s)
     * refused valid rule sets on a crowded 2-core machine (load-tests/README.md).
     */
    static final int WARM_UP_FIRINGS = 10_000;
    static final java.time.Duration WARM_UP_SAFETY_STOP = java.time.Duration.ofSeconds(30);

    /** The last refused rule set, for health, metrics and the API. */
    public record Failure(String version, String source, Instant at, List<SourceError> errors, List<String> testFailures) {
    }

    /** What checking a candidate found: its compiled rule set when valid, else its errors and failing tests. */
    public record Validation(String version, RuleSet ruleSet, List<SourceError> errors, List<String> testFailures) {
        public boolean isValid() {
            return ruleSet != null && errors.isEmpty() && testFailures.isEmpty();
        }
    }

    /**
     * How a version reached the replicas before it was made active: those that compiled it, those
     * that cannot (replica → why), and those that did not answer in time.
     */
    public record Rollout(List<String> ready, Map<String, String> failed, List<String> late) {
    }

    /** A version made active, and how it reached the replicas. */
    public record Activated(RuleSet ruleSet, Rollout rollout) {
    }

    /** A replica that reported itself, and whether it is live (seen within three heartbeats). */
    public record ReplicaView(String id, String version, Instant seenAt, boolean live, boolean self) {
    }

    /** A publish refused because the candidate is not valid. */
    public static final class RefusedException extends Exception {
        private final transient Validation validation;

        public RefusedException(Validation validation) {
            super("rule set " + validation.version() + " refused");
            this.validation = validation;
        }

        public Validation validation() {
            return validation;
        }
    }

    private final RuleSetCompiler compiler;
    private final RuleSetStore store;
    private final RuleSetGate gate;
    private final Path dir;
    private final boolean watchFolder;
    private final String replicaId;
    private final java.time.Duration rolloutTimeout;
    private final java.time.Duration liveness;
    private final AtomicReference<RuleSet> active = new AtomicReference<>();
    /** The last version announced and compiled here, ready to swap to when it is made active. */
    private final AtomicReference<RuleSet> prepared = new AtomicReference<>();
    private final AtomicReference<Failure> lastFailure = new AtomicReference<>();
    /** The last failure the rules folder caused, so the folder's return to a good content can clear it. */
    private volatile Failure folderFailure;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "nbo-rules");
        t.setDaemon(true);
        return t;
    });
    private final MultiGauge activeVersion;
    private final Counter reloadsOk;
    private final Counter reloadsFailed;
    private final Timer compileTime;
    private final java.util.function.Consumer<RuleSet.Discard> countDiscard;
    /**
     * The active and the previous compiled version, so a rollback swaps at once instead of compiling
     * again. Only two: a 10,000-rule set keeps about 330 MB (load-tests/README.md).
     */
    private final Map<String, RuleSet> compiled = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RuleSet> eldest) {
            return size() > 2;
        }
    });
    private volatile FolderWatcher watcher;
    private volatile String lastSeenFolder;
    private volatile boolean folderPublished = true;
    // Told of every version published from the rules folder, or of its refusal (the audit log listens).
    private volatile java.util.function.BiConsumer<String, String> folderPublishes = (version, outcome) -> { };
    private volatile String lastRefusedVersion;

    @Inject
    public RuleSetRegistry(RuleSetCompiler compiler, RuleSetStore store, RuleSetGate gate, NboConfig config, MeterRegistry registry) {
        this(compiler, store, gate, Path.of(config.rules().dir()), config.rules().watchFolder(),
                config.rules().replicaId().orElseGet(RuleSetRegistry::defaultReplicaId), config.rules().rolloutTimeout(),
                config.rules().pollInterval(), registry);
    }

    /**
     * @param dir            the rules folder
     * @param watchFolder    whether changes to the folder are published; when false, only the store counts
     * @param replicaId      how this replica names itself to the others
     * @param rolloutTimeout how long a publish waits for the live replicas to compile the new version
     * @param heartbeat      how often this replica reports itself; one not seen for three of these is not waited for
     */
    public RuleSetRegistry(RuleSetCompiler compiler, RuleSetStore store, RuleSetGate gate, Path dir, boolean watchFolder,
                           String replicaId, java.time.Duration rolloutTimeout, java.time.Duration heartbeat, MeterRegistry registry) {
        this.compiler = compiler;
        this.store = store;
        this.gate = gate;
        this.dir = dir;
        this.watchFolder = watchFolder;
        this.replicaId = replicaId;
        this.rolloutTimeout = rolloutTimeout;
        this.liveness = heartbeat.multipliedBy(3);
        this.activeVersion = MultiGauge.builder(NboMetrics.RULESET_ACTIVE).description("1 for the active rule-set version").register(registry);
        this.reloadsOk = registry.counter(NboMetrics.RULESET_RELOADS, "result", "ok");
        this.reloadsFailed = registry.counter(NboMetrics.RULESET_RELOADS, "result", "failed");
        this.compileTime = Timer.builder(NboMetrics.RULESET_COMPILE).description("Time to compile a rule set").register(registry);
        Map<RuleSet.Discard, Counter> discarded = new java.util.EnumMap<>(RuleSet.Discard.class);
        for (RuleSet.Discard reason : RuleSet.Discard.values()) {
            discarded.put(reason, Counter.builder(NboMetrics.RULES_SESSIONS_DISCARDED).tag("reason", reason.tag)
                    .description("Resident rule sessions disposed of after a decision instead of reused").register(registry));
        }
        this.countDiscard = reason -> discarded.get(reason).increment();
        Gauge.builder(NboMetrics.RULESET_RULES, active, a -> a.get() == null ? 0 : a.get().ruleCount()).register(registry);
        Gauge.builder(NboMetrics.RULESET_OFFERS, active, a -> a.get() == null ? 0 : a.get().catalog().size()).register(registry);
    }

    /** The host name (the pod name on Kubernetes), the process id and a random suffix, so a restart is a new replica. */
    static String defaultReplicaId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "replica";
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    }

    void onStart(@Observes StartupEvent event) {
        poll();
        heartbeat();
        if (watchFolder) {
            // File events make an edit visible at once; the poll stays as the safety net.
            watcher = FolderWatcher.start(dir, () -> worker.execute(this::poll)).orElse(null);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (watcher != null) {
            watcher.close();
        }
        try {
            store.leave(replicaId);
        } catch (RedisUnavailableException e) {
            // the entry ages out: others stop waiting for this replica after three heartbeats
        }
        store.close();
        worker.shutdownNow();
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

    public String replicaId() {
        return replicaId;
    }

    /** Tells the other replicas that this one is alive and which version it serves. */
    @Scheduled(every = "${nbo.rules.poll-interval:1s}", delayed = "${nbo.rules.poll-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void heartbeat() {
        RuleSet current = active.get();
        try {
            store.heartbeat(replicaId, current == null ? "" : current.version(), Instant.now());
        } catch (RedisUnavailableException e) {
            LOG.debugf("heartbeat not sent: %s", e.getMessage());
        }
    }

    /** The replicas that reported themselves lately, live or not. */
    public List<ReplicaView> replicas() {
        Instant now = Instant.now();
        return store.replicas(now.minus(liveness.multipliedBy(20))).stream()
                .map(r -> new ReplicaView(r.id(), r.version(), r.seenAt(), !r.seenAt().isBefore(now.minus(liveness)), r.id().equals(replicaId)))
                .toList();
    }

    @Scheduled(every = "${nbo.rules.poll-interval:1s}", delayed = "${nbo.rules.poll-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    synchronized void poll() {
        if (watchFolder) {
            syncFolder();
        }
        try {
            store.subscribe(version -> worker.execute(this::converge), version -> worker.execute(() -> prepare(version)));
            converge();
        } catch (RedisUnavailableException e) {
            LOG.debugf("rule-set store unavailable: %s", e.getMessage());
        }
    }

    /**
     * Compiles and checks a candidate without publishing it.
     *
     * @param files DRL files and {@code offers.yaml} by name, and optionally scenario files as {@code tests/<name>}
     */
    public Validation validate(Map<String, String> files) {
        String version = RuleSetCompiler.versionOf(files);
        long start = System.nanoTime();
        try {
            RuleSet candidate = compiler.compile(files);
            List<String> failures = new java.util.ArrayList<>(candidate.warmUp(WARM_UP_FIRINGS, WARM_UP_SAFETY_STOP));
            failures.addAll(gate.failures(candidate, files));
            return new Validation(version, candidate, List.of(), failures);
        } catch (InvalidRuleSetException e) {
            return new Validation(version, null, e.errors(), List.of());
        } finally {
            compileTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Validates, stores as an immutable version, and rolls it out: every live replica compiles it,
     * then it is made active here and there.
     *
     * @throws RefusedException when the candidate does not compile, a scenario fails, or a replica
     *                          cannot compile it; nothing is activated
     * @throws RedisUnavailableException when the store cannot be reached; nothing is activated
     */
    /** Calls {@code listener} with the version (null when refused) and the outcome of every publish from the rules folder. */
    public void onFolderPublish(java.util.function.BiConsumer<String, String> listener) {
        this.folderPublishes = listener;
    }

    public synchronized Activated publish(Map<String, String> files, String author, String message) throws RefusedException {
        Validation validation = validate(files);
        if (!validation.isValid()) {
            refuse(validation, "publish by " + author);
            throw new RefusedException(validation);
        }
        store.store(validation.version(), files, author, message, Instant.now());
        return rollOut(validation.ruleSet(), author, message, "published by " + author).orElseThrow();
    }

    /**
     * Makes an earlier version active again, here and on every replica, in the same two steps as a publish.
     *
     * @return empty when no such version is stored
     * @throws RefusedException when the stored version no longer compiles (e.g. after a fact-model change),
     *                          here or on a replica
     */
    public synchronized Optional<Activated> rollback(String version, String author, String message) throws RefusedException {
        RuleSet ready = compiled.get(version);
        if (ready == null) {
            Optional<RuleSetStore.StoredVersion> stored = store.load(version);
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            Validation validation = validate(withoutTests(stored.get().files()));
            if (validation.ruleSet() == null) {
                refuse(validation, "rollback by " + author);
                throw new RefusedException(validation);
            }
            ready = validation.ruleSet();
        }
        return rollOut(ready, author, message, "rolled back by " + author);
    }

    /** Has every live replica compile a stored version, then makes it active; empty when it is not stored. */
    private Optional<Activated> rollOut(RuleSet next, String author, String message, String source) throws RefusedException {
        String version = next.version();
        prepared.set(next);
        store.reportPrepared(version, replicaId, RuleSetStore.READY);
        store.announce(version);
        Rollout rollout = awaitReplicas(version);
        if (!rollout.failed().isEmpty()) {
            List<SourceError> errors = new java.util.ArrayList<>();
            rollout.failed().forEach((replica, why) -> errors.add(new SourceError("(replica " + replica + ")", 0, 0, why)));
            Validation refused = new Validation(version, null, errors, List.of());
            refuse(refused, source + ", refused by a replica");
            throw new RefusedException(refused);
        }
        if (store.activate(version, author, message, Instant.now()).isEmpty()) {
            return Optional.empty();
        }
        swap(next, source + (rollout.late().isEmpty() ? "" : "; not yet compiled on " + rollout.late()));
        return Optional.of(new Activated(next, rollout));
    }

    /** Waits until every live replica has reported on the version, or the rollout timeout passes. */
    private Rollout awaitReplicas(String version) {
        long deadline = System.nanoTime() + rolloutTimeout.toNanos();
        while (true) {
            Instant now = Instant.now();
            java.util.Set<String> live = new java.util.TreeSet<>();
            for (RuleSetStore.Replica r : store.replicas(now.minus(liveness.multipliedBy(20)))) {
                if (!r.seenAt().isBefore(now.minus(liveness))) {
                    live.add(r.id());
                }
            }
            Map<String, String> outcomes = store.prepared(version);
            List<String> waiting = live.stream().filter(id -> !outcomes.containsKey(id)).toList();
            if (waiting.isEmpty() || System.nanoTime() > deadline) {
                List<String> ready = new java.util.ArrayList<>();
                Map<String, String> failed = new TreeMap<>();
                new TreeMap<>(outcomes).forEach((id, outcome) -> {
                    if (RuleSetStore.READY.equals(outcome)) {
                        ready.add(id);
                    } else {
                        failed.put(id, outcome);
                    }
                });
                return new Rollout(ready, failed, waiting);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RedisUnavailableException("interrupted while waiting for replicas");
            }
        }
    }

    /** Compiles an announced version ahead of its activation and reports the outcome. Runs on the worker. */
    void prepare(String version) {
        String outcome = RuleSetStore.READY;
        RuleSet held = prepared.get();
        boolean have = (held != null && held.version().equals(version)) || compiled.containsKey(version);
        try {
            if (!have) {
                Optional<RuleSetStore.StoredVersion> stored = store.load(version);
                if (stored.isEmpty()) {
                    outcome = "version " + version + " is not in the store";
                } else {
                    Validation validation = validate(withoutTests(stored.get().files()));
                    if (validation.ruleSet() != null) {
                        prepared.set(validation.ruleSet());
                    } else {
                        outcome = validation.errors().isEmpty() ? "does not compile" : validation.errors().get(0).toString();
                    }
                }
            }
            store.reportPrepared(version, replicaId, outcome);
        } catch (RedisUnavailableException e) {
            LOG.warnf("could not prepare rule set %s: %s", version, e.getMessage());
        }
    }

    /** Loads the active version from the store when it differs from what this replica serves. */
    synchronized void converge() {
        Optional<String> wanted;
        try {
            wanted = store.activeVersion();
        } catch (RedisUnavailableException e) {
            return;
        }
        RuleSet current = active.get();
        if (wanted.isEmpty() || (current != null && current.version().equals(wanted.get())) || wanted.get().equals(lastRefusedVersion)) {
            return;
        }
        RuleSet ready = compiled.get(wanted.get());
        RuleSet held = prepared.get();
        if (ready == null && held != null && held.version().equals(wanted.get())) {
            ready = held;
        }
        if (ready != null) {
            swap(ready, "from the store (compiled before)");
            return;
        }
        Optional<RuleSetStore.StoredVersion> stored = store.load(wanted.get());
        if (stored.isEmpty()) {
            LOG.errorf("active rule set %s is not in the store", wanted.get());
            return;
        }
        // Tests gated the publish; a replica only needs the rules to compile here.
        Validation validation = validate(withoutTests(stored.get().files()));
        if (validation.ruleSet() == null) {
            refuse(validation, "store");
            return;
        }
        swap(validation.ruleSet(), "from the store");
    }

    /** Publishes the rules folder when its content changed since it was last published. */
    void syncFolder() {
        Map<String, String> files;
        String hash;
        try {
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("rules folder not found: " + dir.toAbsolutePath());
            }
            files = RuleSetCompiler.readFolderAndTests(dir);
            hash = RuleSetCompiler.contentHash(files);
        } catch (RuntimeException e) {
            if (!"(unreadable)".equals(lastSeenFolder)) {
                lastSeenFolder = "(unreadable)";
                refuse(new Validation(null, null, List.of(new SourceError(dir.toString(), 0, 0, e.getMessage())), List.of()), "folder");
                folderFailure = lastFailure.get();
            }
            return;
        }
        if (hash.equals(lastSeenFolder) && folderPublished) {
            return;
        }
        boolean changed = !hash.equals(lastSeenFolder);
        lastSeenFolder = hash;
        try {
            if (store.lastPublishedFolder().map(hash::equals).orElse(false)) {
                folderPublished = true;
                // Saved back to what is published (the broken edit undone): the folder's error is no longer true.
                clearFolderFailure();
                return;
            }
            if (changed || !folderPublished) {
                Activated activated = publish(files, "folder " + dir, "rules folder changed");
                store.setLastPublishedFolder(hash);
                folderPublished = true;
                folderPublishes.accept(activated.ruleSet().version(), "ok");
            }
        } catch (RefusedException e) {
            folderPublished = true;
            folderFailure = lastFailure.get();
            folderPublishes.accept(null, "refused");
        } catch (RedisUnavailableException e) {
            // Serve the folder on this replica alone; publish it once the store is back.
            folderPublished = false;
            if (changed) {
                Validation validation = validate(files);
                if (validation.isValid()) {
                    // Say why: a store that answered too slowly is not a store that is down.
                    swap(validation.ruleSet(), "folder, on this replica only until it can be published (" + e.getMessage() + ")");
                } else {
                    refuse(validation, "folder");
                    folderFailure = lastFailure.get();
                }
            }
        }
    }

    private static Map<String, String> withoutTests(Map<String, String> files) {
        Map<String, String> rules = new TreeMap<>();
        files.forEach((name, text) -> {
            if (RuleSetCompiler.isRuleFile(name)) {
                rules.put(name, text);
            }
        });
        return rules;
    }

    private void clearFolderFailure() {
        Failure failure = folderFailure;
        if (failure != null && lastFailure.compareAndSet(failure, null)) {
            lastRefusedVersion = null;
        }
        folderFailure = null;
    }

    private void swap(RuleSet next, String source) {
        // Counted from here on: the sessions the decisions use, not those of its validation.
        next.onDiscard(countDiscard);
        compiled.put(next.version(), next);
        prepared.compareAndSet(next, null);
        RuleSet previous = active.getAndSet(next);
        // A change that went live makes the last refused one history, also when it gives the version
        // already serving (a failing scenario fixed: the rules, so the version, are the same).
        lastFailure.set(null);
        lastRefusedVersion = null;
        folderFailure = null;
        if (previous != null && previous.version().equals(next.version())) {
            return;
        }
        reloadsOk.increment();
        activeVersion.register(List.of(MultiGauge.Row.of(Tags.of("version", next.version()), 1)), true);
        LOG.infof("rule set %s active (%d rules, %d offers), %s%s", next.version(), next.ruleCount(), next.catalog().size(), source,
                previous == null ? "" : ", replacing " + previous.version());
    }

    private void refuse(Validation validation, String source) {
        reloadsFailed.increment();
        lastRefusedVersion = validation.version();
        lastFailure.set(new Failure(validation.version(), source, Instant.now(), validation.errors(), validation.testFailures()));
        RuleSet current = active.get();
        LOG.errorf("rule set %s (%s) refused, %s keeps serving: %s%s", validation.version() == null ? "(unreadable)" : validation.version(),
                source, current == null ? "nothing" : current.version(), validation.errors(),
                validation.testFailures().isEmpty() ? "" : " failing scenarios: " + validation.testFailures());
    }
}
