package io.nbo.rules;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Calls back soon after anything changes in the rules folder or its {@code tests/} folder, so a
 * saved edit is picked up without waiting for the next poll. It only says "look again": the
 * content hash decides whether anything really changed. That also covers a Kubernetes ConfigMap
 * volume, where an update swaps a {@code ..data} symlink rather than writing the files.
 */
public final class FolderWatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FolderWatcher.class);
    /** Several events usually arrive for one save; wait this long for the rest before calling back. */
    private static final long SETTLE_MS = 100;

    private final WatchService watcher;
    private final Thread thread;

    private FolderWatcher(Path dir, Runnable onChange) throws IOException {
        this.watcher = dir.getFileSystem().newWatchService();
        register(dir);
        if (Files.isDirectory(dir.resolve("tests"))) {
            register(dir.resolve("tests"));
        }
        this.thread = new Thread(() -> loop(onChange), "nbo-rules-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** Watches {@code dir}; empty when it cannot be watched (the poll still works). */
    public static java.util.Optional<FolderWatcher> start(Path dir, Runnable onChange) {
        try {
            return java.util.Optional.of(new FolderWatcher(dir, onChange));
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cannot watch %s for changes (%s); relying on the poll", dir, e.getMessage());
            return java.util.Optional.empty();
        }
    }

    private void register(Path dir) throws IOException {
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
    }

    private void loop(Runnable onChange) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                WatchKey key = watcher.take();
                drain(key);
                // Let the rest of this save arrive, then look once.
                WatchKey more;
                while ((more = watcher.poll(SETTLE_MS, TimeUnit.MILLISECONDS)) != null) {
                    drain(more);
                }
                try {
                    onChange.run();
                } catch (RuntimeException e) {
                    LOG.errorf(e, "checking the rules folder after a change failed");
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            watcher.close();
        } catch (IOException e) {
            LOG.debugf("closing the folder watcher: %s", e.getMessage());
        }
    }
}
