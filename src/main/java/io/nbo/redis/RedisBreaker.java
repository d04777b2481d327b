package io.nbo.redis;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.nbo.config.StoreUnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The circuit breaker in front of Redis. When too many calls fail in a sliding time window it
 * opens: calls fail at once with {@link StoreUnavailableException} instead of each waiting for its
 * timeout, so a dead or hanging Redis costs decisions nothing. After {@code openFor} it lets a few
 * real calls through as probes (half-open); when they succeed it closes again, with no restart.
 */
public final class RedisBreaker {

    private static final Logger LOG = Logger.getLogger(RedisBreaker.class.getName());

    /** The breaker's name in its meters ({@code resilience4j_circuitbreaker_*{name="redis"}}). */
    public static final String NAME = "redis";

    /** How the breaker judges Redis. */
    public record Settings(int failureRatePercent, int minimumCalls, Duration window, Duration openFor, int probes) {
    }

    private final CircuitBreaker breaker;
    private final Duration openFor;

    public RedisBreaker(Settings settings, MeterRegistry registry) {
        this.openFor = settings.openFor();
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
                .slidingWindowSize((int) Math.max(1, settings.window().toSeconds()))
                .minimumNumberOfCalls(settings.minimumCalls())
                .failureRateThreshold(settings.failureRatePercent())
                .waitDurationInOpenState(settings.openFor())
                .permittedNumberOfCallsInHalfOpenState(settings.probes())
                // Probes are the next real calls; no timer is needed to leave the open state.
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordException(e -> unwrap(e) instanceof StoreUnavailableException)
                .build();
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(config);
        this.breaker = breakers.circuitBreaker(NAME);
        breaker.getEventPublisher().onStateTransition(e -> LOG.warning(() -> "Redis circuit breaker: "
                + e.getStateTransition().getFromState() + " -> " + e.getStateTransition().getToState()));
        if (registry != null) {
            TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
        }
    }

    /**
     * Runs {@code call} unless the breaker is open, and records how it went. A failure that is a
     * {@link StoreUnavailableException} counts against Redis; any other outcome means Redis answered.
     */
    public <T> CompletionStage<T> call(String address, Supplier<CompletionStage<T>> call) {
        if (!breaker.tryAcquirePermission()) {
            return CompletableFuture.failedFuture(new StoreUnavailableException("Redis at " + address
                    + " is failing; calls are refused while the circuit breaker is open (it probes again within " + openFor.toMillis() + " ms)"));
        }
        long start = System.nanoTime();
        CompletionStage<T> stage;
        try {
            stage = call.get();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        return stage.whenComplete((value, error) -> {
            long took = System.nanoTime() - start;
            if (error != null && unwrap(error) instanceof StoreUnavailableException) {
                breaker.onError(took, TimeUnit.NANOSECONDS, unwrap(error));
            } else {
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
            }
        });
    }

    /** {@code CLOSED}, {@code OPEN}, {@code HALF_OPEN} (or another resilience4j state). */
    public String state() {
        return breaker.getState().name();
    }

    /** Whether calls go through (closed) or only probes do (half-open). */
    public boolean isClosed() {
        return breaker.getState() == CircuitBreaker.State.CLOSED;
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
