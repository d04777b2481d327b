package io.nbo.loadtests;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A rule-set publish in the middle of steady load: page-view decisions at a constant rate while one
 * user publishes PUBLISHES changed rule sets through {@code POST /v1/rulesets}, evenly spaced over the
 * measured phase (each compiles on every replica, then swaps in). Asserts that no request failed and
 * that every publish was answered 201.
 */
public class PublishUnderLoadSimulation extends NboSimulation {

    /** The rules folder's DRL, catalog and policies, without its scenario tests, plus one file that changes each time. */
    static String publication(int n) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(Params.RULES_DIR)) {
            for (Path p : list.toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".drl") || name.equals("offers.yaml") || name.equals("policies.yaml")) {
                    files.put(name, Files.readString(p));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.put("zz-load-test.drl", """
                package rules;
                import io.nbo.model.*;
                rule "Load test publish %1$d"
                when
                    $r : Result()
                    $o : Offer(id == "bestsellers-discovery")
                then
                    $r.boost($o, 1.%1$d, "load test publish %1$d");
                end
                """.formatted(n));
        StringBuilder b = new StringBuilder("{\"author\":\"load-tests\",\"message\":\"publish ").append(n)
                .append(" under load\",\"files\":{");
        String comma = "";
        for (Map.Entry<String, String> f : files.entrySet()) {
            Json.string(Json.string(b.append(comma), f.getKey()).append(':'), f.getValue());
            comma = ",";
        }
        return b.append("}}").toString();
    }

    @Override
    protected Map<String, Object> params() {
        Map<String, Object> p = super.params();
        p.put("publishes", Params.PUBLISHES);
        return p;
    }

    {
        long gap = Math.max(1, Params.DURATION / (Params.PUBLISHES + 1));
        // Warm-up, then a publish every `gap` seconds of the measured phase.
        ChainBuilder publishes = pause(Duration.ofSeconds(Math.max(0, Params.WARMUP)));
        for (int i = 1; i <= Params.PUBLISHES; i++) {
            int n = i;
            publishes = publishes.pause(Duration.ofSeconds(gap))
                    .exec(Timings.timed("publish", http("publish").post("/v1/rulesets")
                            .body(StringBody(session -> publication(n))).check(status().is(201))));
        }
        setUp(Nbo.warmupThenMeasure("decision", "/v1/decisions", Traffic::pageView),
                scenario("publisher").exec(publishes).injectOpen(atOnceUsers(1)))
                .protocols(Nbo.protocol())
                .assertions(global().failedRequests().count().is(0L), details("publish").successfulRequests().count().is((long) Params.PUBLISHES));
    }
}
