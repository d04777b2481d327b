package io.nbo.context;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.nbo.model.CustomerData;
import io.nbo.redis.RedisConnection;
import io.nbo.config.StoreUnavailableException;
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
 * Writes an import's customers, each replaced whole as {@link CustomerContextRepository#upsert} does, over one
 * dedicated connection with auto-flush off: commands go out a batch at a time, and at most {@value #WINDOW}
 * batches wait for replies, so memory stays bounded however large the file while Redis always has the next
 * batch to work on.
 */
public final class CustomerImportRepository implements AutoCloseable {

    /** What became of the customers written, batch by batch. */
    public interface Progress {

        /** {@code count} more customers are stored. */
        void imported(long count);

        /** Redis refused the customer of input line {@code line} (e.g. a Lua error); the import goes on. */
        void refused(long line, String redisError);
    }

    static final int WINDOW = 2;
    private static final long POLL_MILLIS = 100;

    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final int batchSize;
    private final Instant updatedAt;
    private final Progress progress;
    private final Duration patience;
    private final ArrayDeque<Batch> inFlight = new ArrayDeque<>(WINDOW + 1);
    private Batch current;

    private CustomerImportRepository(StatefulConnection<String, String> connection, int batchSize, Instant updatedAt,
                                     Progress progress, Duration patience) throws InterruptedException {
        this.connection = connection;
        this.commands = RedisConnection.commandsOf(connection);
        this.batchSize = batchSize;
        this.updatedAt = updatedAt;
        this.progress = progress;
        this.patience = patience;
        this.current = new Batch(batchSize);
        try {
            // Loaded up front, so no EVALSHA of the first batch falls back to sending the script text.
            CustomerContextRepository.loadScripts(commands).toCompletableFuture().get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            connection.close();
            throw new RedisLost("could not load the import script into Redis: " + cause(e), e);
        }
        connection.setAutoFlushCommands(false);
    }

    /**
     * Opens the import's own connection to {@code redis} and loads the script.
     *
     * @param updatedAt what every customer's {@code updatedAt} becomes
     * @param patience  how long to wait for one batch's replies before declaring Redis lost
     * @throws StoreUnavailableException when no connection can be opened
     * @throws RedisLost                 when the script cannot be loaded
     */
    public static CustomerImportRepository open(RedisConnection redis, int batchSize, Instant updatedAt, Progress progress,
                                                Duration patience) throws InterruptedException {
        StatefulConnection<String, String> connection;
        try {
            connection = redis.newConnection();
        } catch (RedisException e) {
            throw new StoreUnavailableException("cannot open a connection to Redis at " + redis.safeAddress() + ": " + e.getMessage());
        }
        return new CustomerImportRepository(connection, batchSize, updatedAt, progress, patience);
    }

    /**
     * Queues one valid customer, read from input line {@code line}; sends the batch when it is full, waiting
     * while two batches are unanswered.
     *
     * @throws RedisLost when Redis stops answering or fails for every customer
     */
    public void add(long line, String customerId, CustomerData data) throws InterruptedException {
        CompletableFuture<Void> done = CustomerContextRepository.upsert(commands, customerId, data, updatedAt)
                .toCompletableFuture();
        current.add(line, done);
        if (current.size == batchSize) {
            send();
            while (inFlight.size() >= WINDOW) {
                await(inFlight.poll());
            }
        }
    }

    /** Sends what is left and waits for every reply. */
    public void finish() throws InterruptedException {
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
                progress.refused(batch.lines[i], error.getMessage());
            } else if (fatal == null) {
                fatal = error;
            }
        }
        progress.imported(ok);
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

    /** Redis went away or refused all writes: the import stops. */
    public static final class RedisLost extends RuntimeException {
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
