package io.nbo.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nbo.rules.RuleSetCompiler;
import io.nbo.testing.Drl;
import io.nbo.testing.RedisServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two real nbo processes (the packaged application) on one Redis. Replica A watches a rules folder;
 * replica B only follows the store. A publish to either is compiled on both first, then reaches
 * the other within a second of being made active. {@link TwoReplicasOnClusterIT} runs the same on
 * a Redis Cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoReplicasIT {

    static final ObjectMapper JSON = new ObjectMapper();
    /** The packaged app runs with access control on; its one key comes in through the environment, as from a Kubernetes Secret. */
    static final String KEY = io.nbo.security.ApiKeys.newKey();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** The Redis (or Redis Cluster) the replicas share, and how they are told where it is. */
    static AutoCloseable store;
    static Map<String, String> storeEnv;
    static Replica a;
    static Replica b;

    /** One running service process. */
    record Replica(Process process, int port, Path log) {
        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }
    }

    /** Starts the store the replicas share and puts into {@code env} how they reach it; {@link TwoReplicasOnClusterIT} starts a cluster. */
    AutoCloseable startStore(Map<String, String> env) {
        RedisServer redis = RedisServer.start();
        env.put("NBO_REDIS_URL", redis.url());
        return redis;
    }

    @BeforeAll
    void startTwoReplicas() throws Exception {
        Map<String, String> env = new java.util.HashMap<>();
        AutoCloseable shared = startStore(env);
        startReplicas(shared, env);
    }

    /** Starts replica A (watching a copy of rules/) and B (following the store) on {@code shared}. */
    static void startReplicas(AutoCloseable shared, Map<String, String> env) throws Exception {
        store = shared;
        storeEnv = env;
        Path rules = io.nbo.testing.RuleSets.copyOfRulesFolder(Path.of("target", "it-rules"));
        a = start("a", Map.of("NBO_RULES_DIR", rules.toAbsolutePath().toString()));
        awaitReady(a);
        b = start("b", Map.of("NBO_RULES_WATCH_FOLDER", "false"));
        awaitReady(b);
    }

    static Replica start(String name, Map<String, String> env) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = Path.of("target", "it-replica-" + name + ".log");
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx512m", "-jar", "target/quarkus-app/quarkus-run.jar")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(storeEnv);
        pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        pb.environment().put("NBO_SECURITY_KEYS", "probe:admin:" + "0".repeat(64) + ",it:marketer+channel:" + io.nbo.security.ApiKeys.hash(KEY));
        pb.environment().putAll(env);
        return new Replica(pb.start(), port, log);
    }

    static void awaitReady(Replica r) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            assertThat(r.process().isAlive()).as("replica on port %d is running; log: %s", r.port(), r.log()).isTrue();
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(r.url("/q/health/ready"))).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("replica on port " + r.port() + " not ready in 60 s; see " + r.log());
    }

    @AfterAll
    static void stop() {
        for (Replica r : new Replica[] {a, b}) {
            if (r != null) {
                r.process().destroy();
            }
        }
        // Gone before the next class starts its own; a replica that does not stop in time is killed.
        for (Replica r : new Replica[] {a, b}) {
            if (r != null) {
                try {
                    if (!r.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                        r.process().destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        a = null;
        b = null;
        if (store != null) {
            try {
                store.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static JsonNode get(Replica r, String path) throws Exception {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(r.url(path))).header("X-API-Key", KEY).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(res.body());
    }

    static HttpResponse<String> post(Replica r, String path, Object body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(r.url(path))).header("Content-Type", "application/json").header("X-API-Key", KEY)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
    }

    static java.util.List<String> texts(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    static String active(Replica r) throws Exception {
        return get(r, "/v1/rulesets/active").get("version").asText();
    }

    /** How long until the replica serves {@code version}; fails past {@code limit}. */
    static Duration awaitVersion(Replica r, String version, Duration limit) throws Exception {
        Instant start = Instant.now();
        while (!version.equals(active(r))) {
            assertThat(Duration.between(start, Instant.now())).as("replica on %d serving %s", r.port(), version)
                    .isLessThan(limit);
            Thread.sleep(10);
        }
        return Duration.between(start, Instant.now());
    }

    @Test
    void theKeysComeFromTheEnvironment() throws Exception {
        HttpResponse<String> without = HTTP.send(HttpRequest.newBuilder(URI.create(a.url("/v1/rulesets/active"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(without.statusCode()).isEqualTo(401);
        assertThat(without.headers().firstValue("WWW-Authenticate")).contains("ApiKey header=\"X-API-Key\"");
        assertThat(without.body()).contains("\"status\":401");
        assertThat(get(a, "/v1/rulesets/active").get("version").asText()).matches("[0-9a-f]{12}");
        HttpResponse<String> wrongRole = HTTP.send(HttpRequest.newBuilder(URI.create(a.url("/v1/audit"))).header("X-API-Key", KEY).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrongRole.statusCode()).isEqualTo(403);
        assertThat(Files.readString(a.log())).doesNotContain(KEY).doesNotContain(io.nbo.security.ApiKeys.hash(KEY));
    }

    @Test
    void aPublishToOneReplicaReachesTheOtherWithinASecond() throws Exception {
        String original = active(a);
        assertThat(active(b)).isEqualTo(original);

        Map<String, String> files = new TreeMap<>(RuleSetCompiler.readFolder(Path.of("rules")));
        files.put("zz-it.drl", Drl.file(Drl.rule("IT campaign puts bestsellers first").context("campaign", "it")
                .offer("bestsellers-discovery").eligible("it").boost(1000, "it")));
        Instant sent = Instant.now();
        HttpResponse<String> published = post(b, "/v1/rulesets", Map.of("files", files, "author", "it", "message", "two replicas"));
        System.out.printf("the publish to B (compile, scenarios, both replicas compile, activate) took %d ms%n",
                Duration.between(sent, Instant.now()).toMillis());
        assertThat(published.statusCode()).as(published.body()).isEqualTo(201);
        JsonNode answer = JSON.readTree(published.body());
        String version = answer.get("version").asText();
        // both replicas compiled the version before it was made active: A swaps as soon as it hears
        assertThat(answer.at("/rollout/ready")).hasSize(2);
        assertThat(answer.at("/rollout/late")).isEmpty();
        JsonNode replicas = get(a, "/v1/rulesets/replicas");
        assertThat(replicas.findValuesAsText("id")).containsExactlyInAnyOrderElementsOf(texts(answer.at("/rollout/ready")))
                .contains(get(a, "/v1/rulesets/active").get("replica").asText(), get(b, "/v1/rulesets/active").get("replica").asText());

        Duration took = awaitVersion(a, version, Duration.ofSeconds(1));
        System.out.printf("replica A served %s %d ms after the publish to B returned%n", version, took.toMillis());
        JsonNode decision = JSON.readTree(post(a, "/v1/decisions", Map.of("channel", "web", "context", Map.of("campaign", "it"))).body());
        assertThat(decision.get("ruleSetVersion").asText()).isEqualTo(version);
        assertThat(decision.at("/offers/0/offerId").asText()).isEqualTo("bestsellers-discovery");

        HttpResponse<String> rolledBack = post(a, "/v1/rulesets/" + original + "/activate", Map.of("author", "it", "message", "back"));
        assertThat(rolledBack.statusCode()).as(rolledBack.body()).isEqualTo(200);
        Duration back = awaitVersion(b, original, Duration.ofSeconds(1));
        System.out.printf("replica B served %s %d ms after the rollback on A returned%n", original, back.toMillis());
        assertThat(active(a)).isEqualTo(original);
    }
}
