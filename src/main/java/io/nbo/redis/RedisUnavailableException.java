package io.nbo.redis;

/** Redis cannot be reached right now; the caller degrades instead of failing. */
public final class RedisUnavailableException extends RuntimeException {

    public RedisUnavailableException(String message) {
        super(message);
    }
}
