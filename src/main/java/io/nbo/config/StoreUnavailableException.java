package io.nbo.config;

/**
 * A store (Redis today) cannot answer right now: the caller degrades instead of failing, and an API
 * write answers 503 with Retry-After. Here, not in io.nbo.redis, so the API can name it without
 * knowing what the store is.
 */
public final class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message) {
        super(message);
    }
}
