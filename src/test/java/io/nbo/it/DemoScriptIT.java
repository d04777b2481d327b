package io.nbo.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.testing.RedisBinary;
import io.nbo.testing.RedisProbe;
import io.nbo.testing.RedisServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code deployment/local/demo.sh --no-build} on the packaged application: it starts a Redis of its
 * own on a free port (never one it finds on 6379) and says so, or writes to NBO_REDIS_URL and says
 * which; and SIGTERM or SIGINT to the script alone stops everything it started, and it says so.
 */
class DemoScriptIT {

    static final String KEY = "demo-it-key-0123456789abcdefghijklmnopqrstu";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static final Pattern OWN_REDIS = Pattern.compile("started a Redis of its own for the demo at 127\\.0\\.0\\.1:(\\d+): redis-server (\\S+) \\(([^,]+),");

    Process demo;
    RedisServer redis;

    @AfterEach
    void stop() {
        if (demo != null && demo.isAlive()) {
            demo.descendants().forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** Starts the demo with {@code env}; waits until it says the service is ready; returns its output file. */
    Path startDemo(String name, int port, Map<String, String> env) throws Exception {
        Path log = Path.of("target", "it-demo-" + name + ".log");
        ProcessBuilder pb = new ProcessBuilder("deployment/local/demo.sh", "--no-build").redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("NBO_REDIS_URL");
        pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        pb.environment().put("NBO_DEMO_CUSTOMERS", "50");
        pb.environment().put("NBO_DEMO_KEY", KEY);
        // the same redis-server as the rest of the suite: -Dtest.redis=embedded runs the demo on the embedded one
        pb.environment().put("NBO_DEMO_REDIS", System.getProperty(RedisBinary.CHOICE, "auto"));
        pb.environment().putAll(env);
        demo = pb.start();
        Instant deadline = Instant.now().plusSeconds(180);
        while (!Files.readString(log).contains("nbo is running")) {
            assertThat(demo.isAlive()).as("demo.sh is running; its output: %s", Files.readString(log)).isTrue();
            assertThat(Instant.now()).as("demo ready within 180 s; its output: %s", Files.readString(log)).isBefore(deadline);
            Thread.sleep(200);
        }
        return log;
    }

    int decide(int port) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/decisions"))
                .header("X-API-Key", KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"customerId\": \"demo-000001\", \"channel\": \"web\"}")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Stops the script alone with {@code signal}; every process it started must be gone, and it must say so. */
    String stopWith(String signal, Path log) throws Exception {
        List<ProcessHandle> started = demo.descendants().toList();
        assertThat(started).as("the service (and Redis) run under the script").isNotEmpty();
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(demo.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).isTrue();
        assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("demo.sh exits on SIG%s", signal).isTrue();
        Instant deadline = Instant.now().plusSeconds(10);
        while (started.stream().anyMatch(ProcessHandle::isAlive) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(started).as("every process the demo started").noneMatch(ProcessHandle::isAlive);
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void withoutARedisUrlItStartsItsOwnRedisAndSigtermStopsEverything() throws Exception {
        int port = freePort();
        Path log = startDemo("own-redis", port, Map.of());
        String out = Files.readString(log);
        Matcher own = OWN_REDIS.matcher(out);
        assertThat(own.find()).as(out).isTrue();
        int redisPort = Integer.parseInt(own.group(1));
        assertThat(redisPort).isNotEqualTo(6379);
        assertThat(listening(redisPort)).isTrue();
        assertThat(own.group(2)).isEqualTo(RedisBinary.get().version());
        if ("embedded".equals(System.getProperty(RedisBinary.CHOICE))) {
            assertThat(own.group(3)).startsWith("embedded");
        }
        assertThat(out).contains("imported 50 customers").doesNotContain("first build");
        assertThat(decide(port)).isEqualTo(200);

        out = stopWith("TERM", log);

        assertThat(out).contains("stopped nbo and the demo's Redis (port " + redisPort + ")");
        assertThat(listening(port)).as("the service's port").isFalse();
        assertThat(listening(redisPort)).as("the demo's Redis").isFalse();
    }

    @Test
    void withARedisUrlItSaysWhichRedisItWritesToAndSigintStopsTheService() throws Exception {
        redis = RedisServer.start();
        int port = freePort();
        Path log = startDemo("given-redis", port, Map.of("NBO_REDIS_URL", redis.url()));
        String out = Files.readString(log);
        assertThat(out).contains("writing to the Redis at 127.0.0.1:" + redis.port() + " (NBO_REDIS_URL)")
                .doesNotContain("of its own");
        try (RedisProbe probe = RedisProbe.of(redis)) {
            assertThat(probe.redis().dbsize()).as("the demo customers are in the given Redis").isGreaterThanOrEqualTo(50);
        }
        assertThat(decide(port)).isEqualTo(200);

        out = stopWith("INT", log);

        assertThat(out).contains("stopped nbo").doesNotContain("the demo's Redis (port");
        assertThat(listening(port)).as("the service's port").isFalse();
        assertThat(listening(redis.port())).as("a Redis the demo did not start is left alone").isTrue();
    }
}
