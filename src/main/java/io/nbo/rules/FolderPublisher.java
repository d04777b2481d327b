package io.nbo.rules;

import io.nbo.config.NboConfig;
import io.nbo.config.StoreUnavailableException;
import io.nbo.model.SourceError;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Publishes the rules folder. A change to it is compiled, checked by the scenario tests, and published
 * as a new version ({@link RuleSetRollout}), so it reaches every replica. Each folder content is
 * published once: a restart does not undo a rollback. Without Redis, the folder still works on this
 * replica alone, and is published when Redis is back.
 */
@ApplicationScoped
public class FolderPublisher {

    private final RuleSetRollout rollout;
    private final RuleSetValidator validator;
    private final ActiveRuleSet active;
    private final RuleSetStore store;
    private final Path dir;
    private final boolean watchFolder;
    private volatile FolderWatcher watcher;
    private volatile String lastSeenFolder;
    private volatile boolean folderPublished = true;
    /** The last failure the rules folder caused, so the folder's return to a good content can clear it. */
    private volatile ActiveRuleSet.Failure folderFailure;
    // Told of every version published from the rules folder, or of its refusal (the audit log listens).
    private volatile BiConsumer<String, String> folderPublishes = (version, outcome) -> { };

    @Inject
    public FolderPublisher(RuleSetRollout rollout, RuleSetValidator validator, ActiveRuleSet active, RuleSetStore store, NboConfig config) {
        this(rollout, validator, active, store, Path.of(config.rules().dir()), config.rules().watchFolder());
    }

    /**
     * @param dir         the rules folder
     * @param watchFolder whether changes to the folder are published; when false, only the store counts
     */
    public FolderPublisher(RuleSetRollout rollout, RuleSetValidator validator, ActiveRuleSet active, RuleSetStore store, Path dir,
                           boolean watchFolder) {
        this.rollout = rollout;
        this.validator = validator;
        this.active = active;
        this.store = store;
        this.dir = dir;
        this.watchFolder = watchFolder;
    }

    void onStart(@Observes StartupEvent event) {
        if (watchFolder) {
            sync();
            // File events make an edit visible at once; the poll stays as the safety net.
            watcher = FolderWatcher.start(dir, this::sync).orElse(null);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (watcher != null) {
            watcher.close();
        }
    }

    public Path dir() {
        return dir;
    }

    /** Calls {@code listener} with the version (null when refused) and the outcome of every publish from the rules folder. */
    public void onFolderPublish(BiConsumer<String, String> listener) {
        this.folderPublishes = listener;
    }

    @Scheduled(every = "${nbo.rules.poll-interval:1s}", delayed = "${nbo.rules.poll-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        if (watchFolder) {
            sync();
        }
    }

    /** Publishes the rules folder when its content changed since it was last published. */
    synchronized void sync() {
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
                folderFailure = active.refuse(new RuleSetValidator.Validation(null, null,
                        List.of(new SourceError(dir.toString(), 0, 0, e.getMessage())), List.of()), "folder");
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
                active.forget(folderFailure);
                folderFailure = null;
                return;
            }
            if (changed || !folderPublished) {
                RuleSetRollout.Activated activated = rollout.publish(files, "folder " + dir, "rules folder changed");
                store.setLastPublishedFolder(hash);
                folderPublished = true;
                folderPublishes.accept(activated.ruleSet().version(), "ok");
            }
        } catch (RuleSetRollout.RefusedException e) {
            folderPublished = true;
            folderFailure = active.lastFailure();
            folderPublishes.accept(null, "refused");
        } catch (StoreUnavailableException e) {
            // Serve the folder on this replica alone; publish it once the store is back.
            folderPublished = false;
            if (changed) {
                RuleSetValidator.Validation validation = validator.validate(files);
                if (validation.isValid()) {
                    // Say why: a store that answered too slowly is not a store that is down.
                    active.swap(validation.ruleSet(), "folder, on this replica only until it can be published (" + e.getMessage() + ")");
                } else {
                    folderFailure = active.refuse(validation, "folder");
                }
            }
        }
    }
}
