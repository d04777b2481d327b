package io.nbo.events;

import static io.nbo.testing.Events.event;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.nbo.redis.KeySchema;
import io.nbo.testing.DurableRedis;
import io.nbo.testing.RedisProbe;
import io.nbo.testing.RedisServer;
import io.nbo.testing.RedisServerResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Redis is killed while batches of events stream in, then restarted from its AOF. Every batch that
 * got a 503 is retried; in the end every event is in the streams exactly once and the counters
 * match: nothing acknowledged is lost, nothing is applied twice.
 */
@QuarkusTest
@TestProfile(DurableRedis.class)
class EventDurabilityTest {

    static final int BATCHES = 60;
    static final int PER_BATCH = 40;
    static final int CUSTOMERS = 25;

    static List<Map<String, Object>> batch(int b) {
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < PER_BATCH; i++) {
            String customer = "t-dur-" + ((b * PER_BATCH + i) % CUSTOMERS);
            String id = "dur-" + b + "-" + i;
            events.add(i % 2 == 0 ? event(id, "impression", customer, "offerId", "dur-offer", "channel", "email")
                    : event(id, "page_view", customer, "attributes", Map.of("n", i)));
        }
        return events;
    }

    static int post(List<Map<String, Object>> events) {
        Response r = given().contentType(ContentType.JSON).body(events).post("/v1/events");
        if (r.statusCode() == 503) {
            assertThat(r.header("Retry-After")).isEqualTo("1");
            assertThat(r.contentType()).startsWith("application/problem+json");
        }
        return r.statusCode();
    }

    @Test
    void nothingAcknowledgedIsLostAndNothingIsAppliedTwice() throws Exception {
        RedisServer redis = RedisServerResource.current();
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ConcurrentLinkedQueue<Integer> toRetry = new ConcurrentLinkedQueue<>();
        List<Integer> otherStatuses = new ArrayList<>();
        Thread sender = new Thread(() -> {
            for (int b = 0; b < BATCHES; b++) {
                int status = post(batch(b));
                if (status == 200) {
                    acknowledged.incrementAndGet();
                } else if (status == 503) {
                    refused.incrementAndGet();
                    toRetry.add(b);
                } else {
                    synchronized (otherStatuses) {
                        otherStatuses.add(status);
                    }
                }
            }
        }, "event-sender");
        sender.start();

        awaitAtLeast(acknowledged, 10, Duration.ofSeconds(60));
        redis.kill();
        awaitAtLeast(refused, 3, Duration.ofSeconds(60));
        redis.restart();
        sender.join(Duration.ofSeconds(120).toMillis());
        assertThat(sender.isAlive()).isFalse();
        assertThat(otherStatuses).isEmpty();
        assertThat(refused.get()).isGreaterThanOrEqualTo(3);

        // Retry every refused batch, whole, until it is acknowledged.
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        for (Integer b : toRetry) {
            int status = post(batch(b));
            while (status != 200 && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
                status = post(batch(b));
            }
            assertThat(status).as("retry of batch %d", b).isEqualTo(200);
        }

        assertThat(given().get("/q/metrics").then().statusCode(200).extract().asString())
                .containsPattern("nbo_events_total\\{result=\"failed\",type=\"impression\"\\} [1-9]")
                .containsPattern("nbo_events_total\\{result=\"applied\",type=\"page_view\"\\} [1-9]");

        try (RedisProbe probe = RedisProbe.ofApp()) {
            Map<String, Integer> times = new HashMap<>();
            Set<String> streams = new TreeSet<>();
            for (int c = 0; c < CUSTOMERS; c++) {
                streams.add(KeySchema.events("t-dur-" + c));
            }
            for (String stream : streams) {
                for (StreamMessage<String, String> m : probe.redis().xrange(stream, Range.create("-", "+"))) {
                    times.merge(m.getBody().get("eventId"), 1, Integer::sum);
                }
            }
            assertThat(times).hasSize(BATCHES * PER_BATCH);
            assertThat(times.values()).containsOnly(1);
            for (int b = 0; b < BATCHES; b++) {
                for (int i = 0; i < PER_BATCH; i++) {
                    assertThat(times).containsKey("dur-" + b + "-" + i);
                }
            }

            long impressions = 0;
            long recent = 0;
            for (int c = 0; c < CUSTOMERS; c++) {
                String[] keys = KeySchema.keys("t-dur-" + c);
                String sent = probe.redis().hget(keys[KeySchema.ENGAGEMENT], "email:sent");
                impressions += sent == null ? 0 : Long.parseLong(sent);
                recent += probe.redis().llen(keys[KeySchema.RECENT]);
                assertThat(probe.redis().zcard(keys[KeySchema.SEEN])).isEqualTo(probe.redis().zcard(keys[KeySchema.CONTACTS])
                        + probe.redis().llen(keys[KeySchema.RECENT]));
            }
            assertThat(impressions).isEqualTo(BATCHES * PER_BATCH / 2);
            assertThat(recent).isEqualTo(BATCHES * PER_BATCH / 2);
            long reported = 0;
            for (int p : streams.stream().map(s -> Integer.parseInt(s.substring("nbo:{p:".length(), "nbo:{p:".length() + 4))).toList()) {
                for (LocalDate day : List.of(LocalDate.now(ZoneOffset.UTC).minusDays(1), LocalDate.now(ZoneOffset.UTC))) {
                    String n = probe.redis().hget(KeySchema.report(p, DateTimeFormatter.BASIC_ISO_DATE.format(day)),
                            "dur-offer|email|unknown|impressions");
                    reported += n == null ? 0 : Long.parseLong(n);
                }
            }
            assertThat(reported).isEqualTo(BATCHES * PER_BATCH / 2);
        }
    }

    private static void awaitAtLeast(AtomicInteger counter, int n, Duration within) throws InterruptedException {
        Instant deadline = Instant.now().plus(within);
        while (counter.get() < n && Instant.now().isBefore(deadline)) {
            Thread.sleep(5);
        }
        assertThat(counter.get()).as("batches counted in time").isGreaterThanOrEqualTo(n);
    }
}
