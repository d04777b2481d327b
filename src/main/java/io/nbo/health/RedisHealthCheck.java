package io.nbo.health;

import io.nbo.config.NboConfig;
import io.nbo.redis.RedisConnection;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Redis answers a PING within a second. When it does not, decisions answer degraded; the replica
 * then stays ready (with {@code degraded: true} in the check's data) or goes down, as
 * {@code nbo.health.ready-when-degraded} says.
 */
@Readiness
@ApplicationScoped
public class RedisHealthCheck implements AsyncHealthCheck {

    private final RedisConnection redis;
    private final boolean readyWhenDegraded;

    public RedisHealthCheck(RedisConnection redis, NboConfig config) {
        this.redis = redis;
        this.readyWhenDegraded = config.health().readyWhenDegraded();
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom().completionStage(redis::ping)
                .ifNoItem().after(Duration.ofSeconds(1)).fail()
                .map(pong -> base().up().withData("degraded", false).build())
                .onFailure().recoverWithItem(e -> base().status(readyWhenDegraded).withData("degraded", true)
                        .withData("error", String.valueOf(e.getMessage()))
                        .withData("decisions", "answered on the request context alone, with the fallback offer; events refused with 503")
                        .build());
    }

    private HealthCheckResponseBuilder base() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("redis").withData("address", redis.safeAddress());
        redis.breaker().ifPresent(breaker -> b.withData("circuitBreaker", breaker.state()));
        return b;
    }
}
