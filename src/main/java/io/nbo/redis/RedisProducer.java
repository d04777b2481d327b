package io.nbo.redis;

import io.micrometer.core.instrument.MeterRegistry;
import io.nbo.config.NboConfig;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Wires the one Redis connection, behind its circuit breaker, into the application. */
public class RedisProducer {

    @Produces
    @Singleton
    RedisConnection connection(NboConfig config, MeterRegistry registry) {
        RedisConnection redis = RedisConnection.open(config.redis().url(), config.redis().cluster(), config.redis().timeout(), registry);
        NboConfig.Redis.Breaker b = config.redis().breaker();
        if (b.enabled()) {
            redis.protectWith(new RedisBreaker(new RedisBreaker.Settings(b.failureRate(), b.minimumCalls(), b.window(), b.openFor(), b.probes()),
                    registry));
        }
        return redis;
    }

    void close(@Disposes RedisConnection connection) {
        connection.close();
    }
}
