package io.nbo.cli;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.nbo.context.CustomerContextRepository;
import io.nbo.context.RedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes customers over one dedicated connection with auto-flush off: commands go out a batch at a
 * time, and at most {@value #WINDOW} batches wait for replies, so memory stays bounded however large
 * the file while Redis always has the next batch to work on.
 */
final class PipelinedUpserter implements AutoCloseable {

    static final int WINDOW = 2;
    private static final long POLL_MILLIS = 100;

    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final int batchSize;
    private final Instant updatedAt;
    private final ImportReport report;
    private final Duration patience;
    private final ArrayDeque<Batch> inFlight = new ArrayDeque<>(WINDOW + 1);
    private Batch current;

    /**
     * @param patience how long to wait for one batch's replies before declaring Redis lost
     */
    PipelinedUpserter(StatefulConnection<String, String> connection, int batchSize, Instant updatedAt,
                      ImportReport report, Duration patience) throws InterruptedException {
        this.connection = connection;
        this.commands = RedisConnection.commandsOf(connection);
        this.batchSize = batchSize;
        this.updatedAt = updatedAt;
        this.report = report;
        this.patience = patience;
        this.current = new Batch(batchSize);
        try {
            // Loaded up front, so no EVALSHA of the first batch falls back to sending the script text.
            CustomerContextRepository.loadScripts(commands).toCompletableFuture().get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new RedisLost("could not load the import script into Redis: " + cause(e), e);
        }
        connection.setAutoFlushCommands(false);
    }

    /** Queues one valid customer; sends the batch when it is full, waiting while two batches are unanswered. */
    void add(CustomerLine line) throws InterruptedException {
        CompletableFuture<Void> done = CustomerContextRepository.upsert(commands, line.id(), line.data(), updatedAt)
                .toCompletableFuture();
        current.add(line.line(), done);
        if (current.size == batchSize) {
            send();
            while (inFlight.size() >= WINDOW) {
                await(inFlight.poll());
            }
        }
    }

    /** Sends what is left and waits for every reply. */
    void finish() throws InterruptedException {
        if (current.size > 0) {
            send();
        }
        while (!inFlight.isEmpty()) {
            await(inFlight.poll());
        }
    }

    private void send() {
        connection.flushCommands();
        inFlight.add(current);
        current = new Batch(batchSize);
    }

    private void await(Batch batch) throws InterruptedException {
        CompletableFuture<Void> all = CompletableFuture.allOf(Arrays.copyOf(batch.futures, batch.size));
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                all.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                break;
            } catch (ExecutionException someFailed) {
                break;
            } catch (TimeoutException notYet) {
                // A script Redis forgot (SCRIPT FLUSH, restart) is resent as EVAL, which waits for a flush too;
                // so does a command a cluster routed to a node whose connection opened after the last flush.
                connection.flushCommands();
                if (System.nanoTime() > deadline) {
                    throw new RedisLost("Redis did not answer within " + patience.toSeconds() + " s", notYet);
                }
            }
        }
        long ok = 0;
        Throwable fatal = null;
        for (int i = 0; i < batch.size; i++) {
            Throwable error = cause(batch.futures[i]);
            if (error == null) {
                ok++;
            } else if (error instanceof RedisCommandExecutionException && String.valueOf(error.getMessage()).startsWith("ERR")) {
                // "ERR ..." is about this customer's command (e.g. a Lua error); anything else (OOM, READONLY,
                // NOAUTH, a timeout, a closed connection) is about the server and would fail every line after it.
                report.failed(batch.lines[i], "line " + batch.lines[i] + ": redis: " + error.getMessage());
            } else if (fatal == null) {
                fatal = error;
            }
        }
        report.imported(ok);
        if (fatal != null) {
            throw new RedisLost("Redis failed: " + fatal.getMessage(), fatal);
        }
    }

    private static Throwable cause(CompletableFuture<Void> f) {
        if (!f.isCompletedExceptionally()) {
            return null;
        }
        try {
            f.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause() == null ? e : e.getCause();
        } catch (CancellationException e) {
            return e;
        }
    }

    private static String cause(Exception e) {
        Throwable c = e.getCause() == null ? e : e.getCause();
        return String.valueOf(c.getMessage());
    }

    @Override
    public void close() {
        connection.close();
    }

    /** Redis went away or refused all writes: the import stops (exit code 2). */
    static final class RedisLost extends RuntimeException {
        RedisLost(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final class Batch {
        final long[] lines;
        final CompletableFuture<Void>[] futures;
        int size;

        @SuppressWarnings("unchecked")
        Batch(int capacity) {
            lines = new long[capacity];
            futures = new CompletableFuture[capacity];
        }

        void add(long line, CompletableFuture<Void> future) {
            lines[size] = line;
            futures[size] = future;
            size++;
        }
    }
}
