package io.nbo.rules;

import io.nbo.config.NboConfig;
import io.nbo.config.StoreUnavailableException;
import io.nbo.model.SourceError;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Makes a version active on every replica, and keeps this replica on the version the others serve.
 *
 * <ul>
 * <li>The active version in Redis ({@link RuleSetStore}) is the source of truth for every replica.
 *     A replica hears of a change at once by pub/sub, and checks the key on every poll in case it
 *     missed a message; it compiles the version off the request path and swaps it in ({@link ActiveRuleSet}),
 *     so a decision keeps the snapshot it started with.</li>
 * <li>A new active version reaches every replica in two steps, so that none waits on a compile
 *     once it is active: the publisher stores the version and announces it; every live replica
 *     compiles it and reports ready; only then is it made active, and each replica swaps to the
 *     version it already holds. A replica that cannot compile it stops the publish; one that does
 *     not answer within {@code nbo.rules.rollout-timeout} is named in the answer and catches up
 *     when it is done.</li>
 * <li>A rule set that fails to compile, validate or pass its tests is never made active; the failure
 *     is kept ({@link ActiveRuleSet#lastFailure()}).</li>
 * </ul>
 */
@ApplicationScoped
public class RuleSetRollout {

    private static final Logger LOG = Logger.getLogger(RuleSetRollout.class);

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
        private final transient RuleSetValidator.Validation validation;

        public RefusedException(RuleSetValidator.Validation validation) {
            super("rule set " + validation.version() + " refused");
            this.validation = validation;
        }

        public RuleSetValidator.Validation validation() {
            return validation;
        }
    }

    private final RuleSetValidator validator;
    private final RuleSetStore store;
    private final ActiveRuleSet active;
    private final String replicaId;
    private final Duration rolloutTimeout;
    private final Duration liveness;
    /** The last version announced and compiled here, ready to swap to when it is made active. */
    private final AtomicReference<RuleSet> prepared = new AtomicReference<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "nbo-rules");
        t.setDaemon(true);
        return t;
    });

    @Inject
    public RuleSetRollout(RuleSetValidator validator, RuleSetStore store, ActiveRuleSet active, NboConfig config) {
        this(validator, store, active, config.rules().replicaId().orElseGet(RuleSetRollout::defaultReplicaId),
                config.rules().rolloutTimeout(), config.rules().pollInterval());
    }

    /**
     * @param replicaId      how this replica names itself to the others
     * @param rolloutTimeout how long a publish waits for the live replicas to compile the new version
     * @param heartbeat      how often this replica reports itself; one not seen for three of these is not waited for
     */
    public RuleSetRollout(RuleSetValidator validator, RuleSetStore store, ActiveRuleSet active, String replicaId,
                          Duration rolloutTimeout, Duration heartbeat) {
        this.validator = validator;
        this.store = store;
        this.active = active;
        this.replicaId = replicaId;
        this.rolloutTimeout = rolloutTimeout;
        this.liveness = heartbeat.multipliedBy(3);
    }

    /** The host name (the pod name on Kubernetes), the process id and a random suffix, so a restart is a new replica. */
    static String defaultReplicaId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "replica";
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    }

    // After the rules folder is published (FolderPublisher, at the default priority): a folder changed while the
    // replica was down becomes the active version first, rather than the stored version being compiled, then the folder.
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent event) {
        follow();
        heartbeat();
    }

    // After the folder watcher stops (FolderPublisher), so that no publish starts on a closed store.
    void onStop(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) ShutdownEvent event) {
        try {
            store.leave(replicaId);
        } catch (StoreUnavailableException e) {
            // the entry ages out: others stop waiting for this replica after three heartbeats
        }
        store.close();
        worker.shutdownNow();
    }

    public String replicaId() {
        return replicaId;
    }

    /** Tells the other replicas that this one is alive and which version it serves. */
    @Scheduled(every = "${nbo.rules.poll-interval:1s}", delayed = "${nbo.rules.poll-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void heartbeat() {
        RuleSet current = active.current();
        try {
            store.heartbeat(replicaId, current == null ? "" : current.version(), Instant.now());
        } catch (StoreUnavailableException e) {
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

    /** Listens for announced and activated versions, and serves the store's active version if this replica missed it. */
    @Scheduled(every = "${nbo.rules.poll-interval:1s}", delayed = "${nbo.rules.poll-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    synchronized void follow() {
        try {
            store.subscribe(version -> worker.execute(this::converge), version -> worker.execute(() -> prepare(version)));
            converge();
        } catch (StoreUnavailableException e) {
            LOG.debugf("rule-set store unavailable: %s", e.getMessage());
        }
    }

    /**
     * Validates, stores as an immutable version, and rolls it out: every live replica compiles it,
     * then it is made active here and there.
     *
     * @throws RefusedException when the candidate does not compile, a scenario fails, or a replica
     *                          cannot compile it; nothing is activated
     * @throws StoreUnavailableException when the store cannot be reached; nothing is activated
     */
    public synchronized Activated publish(Map<String, String> files, String author, String message) throws RefusedException {
        RuleSetValidator.Validation validation = validator.validate(files);
        if (!validation.isValid()) {
            active.refuse(validation, "publish by " + author);
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
        RuleSet ready = active.compiled(version);
        if (ready == null) {
            Optional<RuleSetStore.StoredVersion> stored = store.load(version);
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            RuleSetValidator.Validation validation = validator.validateRules(stored.get().files());
            if (validation.ruleSet() == null) {
                active.refuse(validation, "rollback by " + author);
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
            List<SourceError> errors = new ArrayList<>();
            rollout.failed().forEach((replica, why) -> errors.add(new SourceError("(replica " + replica + ")", 0, 0, why)));
            RuleSetValidator.Validation refused = new RuleSetValidator.Validation(version, null, errors, List.of());
            active.refuse(refused, source + ", refused by a replica");
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
            Set<String> live = new TreeSet<>();
            for (RuleSetStore.Replica r : store.replicas(now.minus(liveness.multipliedBy(20)))) {
                if (!r.seenAt().isBefore(now.minus(liveness))) {
                    live.add(r.id());
                }
            }
            Map<String, String> outcomes = store.prepared(version);
            List<String> waiting = live.stream().filter(id -> !outcomes.containsKey(id)).toList();
            if (waiting.isEmpty() || System.nanoTime() > deadline) {
                List<String> ready = new ArrayList<>();
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
                throw new StoreUnavailableException("interrupted while waiting for replicas");
            }
        }
    }

    /** Compiles an announced version ahead of its activation and reports the outcome. Runs on the worker. */
    void prepare(String version) {
        String outcome = RuleSetStore.READY;
        RuleSet held = prepared.get();
        boolean have = (held != null && held.version().equals(version)) || active.compiled(version) != null;
        try {
            if (!have) {
                Optional<RuleSetStore.StoredVersion> stored = store.load(version);
                if (stored.isEmpty()) {
                    outcome = "version " + version + " is not in the store";
                } else {
                    RuleSetValidator.Validation validation = validator.validateRules(stored.get().files());
                    if (validation.ruleSet() != null) {
                        prepared.set(validation.ruleSet());
                    } else {
                        outcome = validation.errors().isEmpty() ? "does not compile" : validation.errors().get(0).toString();
                    }
                }
            }
            store.reportPrepared(version, replicaId, outcome);
        } catch (StoreUnavailableException e) {
            LOG.warnf("could not prepare rule set %s: %s", version, e.getMessage());
        }
    }

    /** Loads the active version from the store when it differs from what this replica serves. */
    synchronized void converge() {
        Optional<String> wanted;
        try {
            wanted = store.activeVersion();
        } catch (StoreUnavailableException e) {
            return;
        }
        RuleSet current = active.current();
        if (wanted.isEmpty() || (current != null && current.version().equals(wanted.get())) || active.isRefused(wanted.get())) {
            return;
        }
        RuleSet ready = active.compiled(wanted.get());
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
        RuleSetValidator.Validation validation = validator.validateRules(stored.get().files());
        if (validation.ruleSet() == null) {
            active.refuse(validation, "store");
            return;
        }
        swap(validation.ruleSet(), "from the store");
    }

    private void swap(RuleSet next, String source) {
        active.swap(next, source);
        prepared.compareAndSet(next, null);
    }
}
