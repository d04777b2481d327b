package io.nbo.decision;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.nbo.redis.KeySchema;
import io.nbo.testing.Customers;
import io.nbo.testing.DurableRedis;
import io.nbo.testing.Events;
import io.nbo.testing.RedisProbe;
import io.nbo.testing.RedisServer;
import io.nbo.testing.RedisServerResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A bounded load of decisions and event batches runs while Redis is killed and restarted from its
 * AOF. No decision gets a 5xx (degraded ones serve the fallback), no event batch gets anything but
 * 200 or a retryable 503, every acknowledged event is in the streams afterwards, the replica stays
 * ready throughout (the default {@code nbo.health.ready-when-degraded}), and within seconds of
 * Redis' return decisions are whole again, without a restart.
 */
@QuarkusTest
@TestProfile(DurableRedis.class)
class RedisFaultTest {

    static final int CUSTOMERS = 20;
    static final int DECIDERS = 3;
    static final Duration BEFORE_KILL = Duration.ofSeconds(2);
    static final Duration OUTAGE = Duration.ofSeconds(3);
    static final Duration AFTER_RECOVERY = Duration.ofSeconds(2);
    /** "Within seconds of Redis' return". */
    static final Duration RECOVERY_LIMIT = Duration.ofSeconds(10);

    @TestHTTPResource("/")
    URI base;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final ObjectMapper json = new ObjectMapper();

    @Test
    void underLoadAKilledRedisCostsNoErrorsAndNoAcknowledgedEvent() throws Exception {
        for (int c = 0; c < CUSTOMERS; c++) {
            given().contentType(ContentType.JSON).body(Customers.goldCartAbandoner()).put("/v1/customers/t-fault-" + c).then().statusCode(200);
        }
        AtomicBoolean stop = new AtomicBoolean();
        Map<Integer, AtomicInteger> decisionStatuses = new ConcurrentHashMap<>();
        AtomicInteger degraded = new AtomicInteger();
        AtomicInteger fallbacks = new AtomicInteger();
        ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        Map<Integer, AtomicInteger> eventStatuses = new ConcurrentHashMap<>();
        AtomicInteger refusedWithoutRetryAfter = new AtomicInteger();
        ExecutorService load = Executors.newFixedThreadPool(DECIDERS + 1);
        for (int t = 0; t < DECIDERS; t++) {
            int thread = t;
            load.submit(() -> {
                for (int n = 0; !stop.get() && n < 100_000; n++) {
                    String body = json.writeValueAsString(Map.of("customerId", "t-fault-" + ((n + thread) % CUSTOMERS), "channel", "web", "limit", 3));
                    HttpResponse<String> r = post("/v1/decisions", body);
                    decisionStatuses.computeIfAbsent(r.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                    if (r.statusCode() == 200) {
                        JsonNode d = json.readTree(r.body());
                        if (d.path("degraded").asBoolean()) {
                            degraded.incrementAndGet();
                        }
                        if (d.path("reasons").toString().contains("fallback_offer")) {
                            fallbacks.incrementAndGet();
                        }
                    }
                }
                return null;
            });
        }
        load.submit(() -> {
            for (int b = 0; !stop.get() && b < 100_000; b++) {
                List<Map<String, Object>> batch = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    batch.add(Events.event("fault-" + b + "-" + i, "page_view", "t-fault-" + ((b * 5 + i) % CUSTOMERS),
                            "attributes", Map.of("n", i)));
                }
                HttpResponse<String> r = post("/v1/events", json.writeValueAsString(batch));
                eventStatuses.computeIfAbsent(r.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                if (r.statusCode() == 200) {
                    batch.forEach(e -> acknowledged.add((String) e.get("eventId")));
                } else if (r.statusCode() == 503 && !"1".equals(r.headers().firstValue("Retry-After").orElse(null))) {
                    refusedWithoutRetryAfter.incrementAndGet();
                }
                Thread.sleep(20);
            }
            return null;
        });

        RedisServer redis = RedisServerResource.current();
        Thread.sleep(BEFORE_KILL.toMillis());
        redis.kill();
        Thread.sleep(OUTAGE.toMillis() / 2);
        // Degraded answers are acceptable here, so the replica stays in its load balancer.
        given().get("/q/health/ready").then().statusCode(200);
        assertThat(given().get("/q/health").then().extract().jsonPath().getBoolean("checks.find { it.name == 'redis' }.data.degraded")).isTrue();
        Thread.sleep(OUTAGE.toMillis() / 2);
        redis.restart();
        Instant back = Instant.now();
        Duration recovery = null;
        while (recovery == null && Instant.now().isBefore(back.plus(RECOVERY_LIMIT))) {
            HttpResponse<String> r = post("/v1/decisions", json.writeValueAsString(Map.of("customerId", "t-fault-0", "channel", "web")));
            if (r.statusCode() == 200 && !json.readTree(r.body()).path("degraded").asBoolean()) {
                recovery = Duration.between(back, Instant.now());
            } else {
                Thread.sleep(50);
            }
        }
        Thread.sleep(AFTER_RECOVERY.toMillis());
        stop.set(true);
        load.shutdown();
        assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        System.out.printf("fault test: decisions by status %s (%d degraded, %d with the fallback offer), event batches by status %s, "
                + "%d events acknowledged, whole again %s after Redis' return%n", decisionStatuses, degraded.get(), fallbacks.get(),
                eventStatuses, acknowledged.size(), recovery);

        assertThat(recovery).as("decisions whole again within %s of Redis' return", RECOVERY_LIMIT).isNotNull();
        assertThat(decisionStatuses.keySet()).as("decision statuses").containsOnly(200);
        assertThat(degraded.get()).as("decisions answered degraded during the outage").isPositive();
        assertThat(fallbacks.get()).as("decisions that served the fallback offer").isPositive();
        assertThat(eventStatuses.keySet()).as("event batch statuses").containsOnly(200, 503);
        assertThat(eventStatuses.get(503)).as("batches refused during the outage").isNotNull();
        assertThat(refusedWithoutRetryAfter.get()).isZero();
        given().get("/q/health/ready").then().statusCode(200);

        Set<String> stored = new HashSet<>();
        try (RedisProbe probe = RedisProbe.ofApp()) {
            Set<String> streams = new HashSet<>();
            for (int c = 0; c < CUSTOMERS; c++) {
                streams.add(KeySchema.events("t-fault-" + c));
            }
            for (String stream : streams) {
                for (StreamMessage<String, String> m : probe.redis().xrange(stream, Range.create("-", "+"))) {
                    stored.add(m.getBody().get("eventId"));
                }
            }
        }
        assertThat(acknowledged).isNotEmpty();
        assertThat(stored).as("every acknowledged event is stored").containsAll(acknowledged);
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
