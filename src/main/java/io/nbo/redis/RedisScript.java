package io.nbo.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.BooleanOutput;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.output.ValueOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Lua script from {@code src/main/resources/redis/NAME.lua} (whose header names its KEYS and ARGV),
 * run by its SHA1 (EVALSHA), loaded again when the server does not know it (e.g. after a Redis
 * restart, or on a cluster master that joined later): one round trip in the usual case. On a Redis
 * Cluster a call goes to the master of its first key's slot, so every key of one call must share a
 * hash tag.
 */
public final class RedisScript {

    private static final long RELOAD_EVERY_NANOS = 1_000_000_000L;

    private final String text;
    private final String sha;
    private final ScriptOutputType output;
    private final AtomicLong loadedAt = new AtomicLong(System.nanoTime() - RELOAD_EVERY_NANOS - 1);

    /**
     * The script {@code redis/NAME.lua} on the classpath, after the files it builds on ({@code uses}, e.g. one
     * that defines a function), joined in order.
     *
     * @throws IllegalStateException when a file is missing, so a repository fails as it is first loaded
     */
    public static RedisScript of(String name, ScriptOutputType output, String... uses) {
        StringBuilder text = new StringBuilder();
        for (String file : uses) {
            text.append(resource(file));
        }
        return new RedisScript(text.append(resource(name)).toString(), output);
    }

    private static String resource(String name) {
        String path = "/redis/" + name + ".lua";
        try (InputStream in = RedisScript.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no Redis script " + path + " on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Redis script " + path, e);
        }
    }

    private RedisScript(String text, ScriptOutputType output) {
        this.text = text;
        this.output = output;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }

    /** Runs the script: EVALSHA, then again after loading it when the server does not know it. */
    public <T> CompletionStage<T> run(RedisClusterAsyncCommands<String, String> redis, String[] keys, String... args) {
        CompletableFuture<T> result = new CompletableFuture<>();
        redis.<T>evalsha(sha, output, keys, args).whenComplete((value, error) -> settle(redis, keys, args, value, error, result));
        return result;
    }

    /**
     * Completes {@code result} with a reply, or when the server did not know the script (a restart,
     * a failover), runs the call again: loading the script first (once a second at most, however many
     * calls of a pipeline fail), then by its SHA1; by its text only if that fails too. Retries are
     * sent from the replies' callbacks, in reply order, so a pipeline's calls still run in order.
     */
    private <T> void settle(RedisClusterAsyncCommands<String, String> redis, String[] keys, String[] args, T value, Throwable error,
                            CompletableFuture<T> result) {
        if (error == null) {
            result.complete(value);
            return;
        }
        if (!isNoScript(error)) {
            result.completeExceptionally(error);
            return;
        }
        long now = System.nanoTime();
        long last = loadedAt.get();
        if (now - last > RELOAD_EVERY_NANOS && loadedAt.compareAndSet(last, now)) {
            redis.scriptLoad(text);
        }
        redis.<T>evalsha(sha, output, keys, args).whenComplete((v, e) -> {
            if (e != null && isNoScript(e)) {
                redis.<T>eval(text, output, keys, args).whenComplete((v2, e2) -> complete(result, v2, e2));
            } else {
                complete(result, v, e);
            }
        });
    }

    private static <T> void complete(CompletableFuture<T> result, T value, Throwable error) {
        if (error == null) {
            result.complete(value);
        } else {
            result.completeExceptionally(error);
        }
    }

    String sha() {
        return sha;
    }

    /** One call of the script: its keys and arguments. */
    public record Call(String[] keys, String[] args) {
    }

    /**
     * Runs the script once per call, all written to the connection in one go (one write, one flush)
     * and executed in order; each call falls back to EVAL on its own when the server does not know
     * the script. For batches: hundreds of single writes cost the I/O thread far more. On a cluster
     * Lettuce sends each call to the master of its slot, in order per master.
     */
    @SuppressWarnings("unchecked")
    public <T> List<CompletionStage<T>> runAll(RedisConnection redis, List<Call> calls) {
        StatefulConnection<String, String> connection = redis.stateful();
        RedisClusterAsyncCommands<String, String> async = redis.commands();
        List<RedisCommand<String, String, ?>> commands = new ArrayList<>(calls.size());
        List<CompletionStage<T>> results = new ArrayList<>(calls.size());
        for (Call call : calls) {
            CommandArgs<String, String> args = new CommandArgs<>(Utf8Codec.INSTANCE).add(sha).add(call.keys().length)
                    .addKeys(call.keys()).addValues(call.args());
            AsyncCommand<String, String, T> command = new AsyncCommand<>(new Command<>(CommandType.EVALSHA,
                    (CommandOutput<String, String, T>) newOutput(), args));
            commands.add(command);
            CompletableFuture<T> result = new CompletableFuture<>();
            command.whenComplete((value, error) -> settle(async, call.keys(), call.args(), value, error, result));
            results.add(result);
        }
        try {
            connection.dispatch(commands);
        } catch (RuntimeException e) {
            commands.forEach(c -> c.completeExceptionally(e));
        }
        return results;
    }

    private CommandOutput<String, String, ?> newOutput() {
        return switch (output) {
            case MULTI -> new NestedMultiOutput<>(StringCodec.UTF8);
            case INTEGER -> new IntegerOutput<>(StringCodec.UTF8);
            case VALUE -> new ValueOutput<>(StringCodec.UTF8);
            case STATUS -> new StatusOutput<>(StringCodec.UTF8);
            case BOOLEAN -> new BooleanOutput<>(StringCodec.UTF8);
            default -> throw new IllegalStateException("no batch output for " + output);
        };
    }

    private static boolean isNoScript(Throwable error) {
        return error instanceof RedisNoScriptException || (error.getMessage() != null && error.getMessage().startsWith("NOSCRIPT"));
    }

    /** Loads the script into the server's cache so the first call does not pay for the fallback. */
    public CompletionStage<String> load(RedisClusterAsyncCommands<String, String> redis) {
        return redis.scriptLoad(text);
    }
}
