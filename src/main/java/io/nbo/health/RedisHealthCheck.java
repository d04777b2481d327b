package io.nbo.health;

import io.nbo.context.RedisConnection;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when Redis answers a PING within a second. */
@Readiness
@ApplicationScoped
public class RedisHealthCheck implements AsyncHealthCheck {

    private final RedisConnection redis;

    public RedisHealthCheck(RedisConnection redis) {
        this.redis = redis;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        String address = redis.safeAddress();
        return Uni.createFrom().completionStage(redis::ping)
                .ifNoItem().after(Duration.ofSeconds(1)).fail()
                .map(pong -> HealthCheckResponse.named("redis").up().withData("address", address).build())
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named("redis").down()
                        .withData("address", address).withData("error", String.valueOf(e.getMessage())).build());
    }
}
