package io.nbo.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.ScriptOutputType;
import io.nbo.testing.Customers;
import io.nbo.testing.Events;
import io.nbo.testing.RedisProbe;
import io.nbo.testing.RedisServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Past its in-flight limits the service sheds at once with a problem+json 503 and Retry-After,
 * instead of queueing behind a slow Redis, and takes requests again as soon as they drain. A Lua
 * script that keeps Redis busy for 3 s holds the admitted requests in flight while a burst arrives.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@TestProfile(OverloadTest.SmallLimits.class)
class OverloadTest {

    static final int DECISION_LIMIT = 4;
    static final int BATCH_LIMIT = 2;
    static final int BURST = 24;
    static final int BATCH_BURST = 6;

    /** Small limits, command and event timeouts longer than the stall, and no breaker, so only the limits act. */
    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("nbo.overload.max-decisions", String.valueOf(DECISION_LIMIT), "nbo.overload.max-event-batches", String.valueOf(BATCH_LIMIT),
                    "nbo.redis.timeout", "6s", "nbo.events.timeout", "6s", "nbo.redis.breaker.enabled", "false");
        }
    }

    // Busy for ARGV[1] ms: every other client waits behind it.
    static final String STALL = """
            local start = redis.call('TIME')
            while true do
              local now = redis.call('TIME')
              if (now[1] - start[1]) * 1000 + (now[2] - start[2]) / 1000 > tonumber(ARGV[1]) then return 1 end
            end
            """;

    @TestHTTPResource("/")
    URI base;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    record Answer(String path, int status, String contentType, String retryAfter, long atNanos) {
    }

    @Test
    void aBurstPastTheLimitsIsShedAtOnceAndTheServiceRecovers() throws Exception {
        given().contentType(ContentType.JSON).body(Customers.goldCartAbandoner()).put("/v1/customers/t-overload").then().statusCode(200);
        ExecutorService pool = Executors.newFixedThreadPool(BURST + BATCH_BURST + 1);
        List<Future<Answer>> answers = new ArrayList<>();
        try (RedisProbe probe = RedisProbe.ofApp()) {
            CompletableFuture<Object> stall = CompletableFuture.supplyAsync(() ->
                    probe.redis().eval(STALL, ScriptOutputType.INTEGER, new String[0], "3000"), pool);
            Thread.sleep(300);
            CountDownLatch go = new CountDownLatch(1);
            for (int i = 0; i < BURST; i++) {
                answers.add(pool.submit(() -> send(go, "/v1/decisions", "{\"customerId\":\"t-overload\",\"channel\":\"web\"}")));
            }
            for (int i = 0; i < BATCH_BURST; i++) {
                String batch = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                        List.of(Events.event("overload-" + i, "page_view", "t-overload", "attributes", Map.of("n", i))));
                answers.add(pool.submit(() -> send(go, "/v1/events", batch)));
            }
            go.countDown();
            stall.get();
        }
        List<Answer> all = new ArrayList<>();
        for (Future<Answer> f : answers) {
            all.add(f.get());
        }
        pool.shutdown();

        List<Answer> decisions = all.stream().filter(a -> a.path().equals("/v1/decisions")).toList();
        List<Answer> batches = all.stream().filter(a -> a.path().equals("/v1/events")).toList();
        assertThat(decisions).extracting(Answer::status).containsOnly(200, 503);
        assertThat(decisions.stream().filter(a -> a.status() == 200)).as("admitted decisions, of %s", all)
                .hasSizeLessThanOrEqualTo(DECISION_LIMIT).isNotEmpty();
        assertThat(batches).extracting(Answer::status).containsOnly(200, 503);
        assertThat(batches.stream().filter(a -> a.status() == 200)).hasSizeLessThanOrEqualTo(BATCH_LIMIT).isNotEmpty();
        List<Answer> shed = all.stream().filter(a -> a.status() == 503).toList();
        assertThat(shed).hasSizeGreaterThanOrEqualTo(BURST - DECISION_LIMIT + BATCH_BURST - BATCH_LIMIT);
        assertThat(shed).allSatisfy(a -> {
            assertThat(a.contentType()).startsWith("application/problem+json");
            assertThat(a.retryAfter()).isEqualTo("1");
        });
        // Shed at once: every refusal came back before any admitted request, which waited for Redis.
        long firstAdmitted = all.stream().filter(a -> a.status() == 200).mapToLong(Answer::atNanos).min().orElseThrow();
        assertThat(shed).allSatisfy(a -> assertThat(a.atNanos()).isLessThan(firstAdmitted));

        // Drained, everything is taken again, and nothing is left counted in flight.
        for (int i = 0; i < 3; i++) {
            given().contentType(ContentType.JSON).body(Map.of("customerId", "t-overload", "channel", "web"))
                    .post("/v1/decisions").then().statusCode(200);
        }
        Events.post(List.of(Events.event("overload-after", "page_view", "t-overload"))).statusCode(200);
        String metrics = given().get("/q/metrics").then().extract().asString();
        assertThat(metrics).contains("nbo_requests_in_flight{route=\"decisions\"} 0.0", "nbo_requests_in_flight{route=\"events\"} 0.0")
                .containsPattern("nbo_requests_shed_total\\{route=\"decisions\"\\} (2[0-9]|1[0-9])\\.0");
    }

    private Answer send(CountDownLatch go, String path, String body) throws Exception {
        go.await();
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(path, r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                r.headers().firstValue("Retry-After").orElse(null), System.nanoTime());
    }
}
