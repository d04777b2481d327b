package io.nbo.context;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A Lua script run by its SHA1 (EVALSHA), falling back to sending the text (EVAL) when the server
 * does not know it yet, e.g. after a Redis restart: one round trip in the usual case.
 */
public final class RedisScript {

    private final String text;
    private final String sha;
    private final ScriptOutputType output;

    public RedisScript(String text, ScriptOutputType output) {
        this.text = text;
        this.output = output;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }

    /** Runs the script: EVALSHA, then EVAL when the server does not know it. */
    public <T> CompletionStage<T> run(RedisAsyncCommands<String, String> redis, String[] keys, String... args) {
        CompletableFuture<T> result = new CompletableFuture<>();
        redis.<T>evalsha(sha, output, keys, args).whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
            } else if (error instanceof RedisNoScriptException || (error.getMessage() != null && error.getMessage().startsWith("NOSCRIPT"))) {
                redis.<T>eval(text, output, keys, args).whenComplete((v, e) -> {
                    if (e == null) {
                        result.complete(v);
                    } else {
                        result.completeExceptionally(e);
                    }
                });
            } else {
                result.completeExceptionally(error);
            }
        });
        return result;
    }

    /** Loads the script into the server's cache so the first call does not pay for the fallback. */
    public CompletionStage<String> load(RedisAsyncCommands<String, String> redis) {
        return redis.scriptLoad(text);
    }
}
