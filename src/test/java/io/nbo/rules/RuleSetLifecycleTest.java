package io.nbo.rules;

import static io.nbo.testing.RuleSets.BESTSELLERS_FIRST;
import static io.nbo.testing.RuleSets.BROKEN;
import static io.nbo.testing.RuleSets.activeVersion;
import static io.nbo.testing.RuleSets.folder;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nbo.offers.OfferCatalogLoader;
import io.nbo.redis.RedisConnection;
import io.nbo.testing.RedisServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Validate, publish (gated by scenarios), list, show and roll back through the API; a second replica follows. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@TestProfile(RuleSetLifecycleTest.OwnApp.class)
class RuleSetLifecycleTest {

    /** Its own application and Redis: publishing changes what every decision of that app uses. */
    public static class OwnApp implements QuarkusTestProfile {
    }

    static JsonPath anonymousDecision() {
        return given().contentType(ContentType.JSON).body(Map.of("channel", "web", "limit", 3, "context", Map.of("test", "lifecycle")))
                .post("/v1/decisions")
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void validateReportsEveryErrorWithFileLineAndColumn() {
        Map<String, String> files = folder();
        files.put("broken.drl", BROKEN);

        JsonPath report = given().contentType(ContentType.JSON).body(Map.of("files", files)).post("/v1/rulesets/validate")
                .then().statusCode(200).extract().jsonPath();

        assertThat(report.getBoolean("valid")).isFalse();
        assertThat(report.getList("errors.file")).containsOnly("broken.drl");
        // the parser notices the missing ')' at 'then' or 'end'
        assertThat(report.getInt("errors[0].line")).isBetween(6, 7);
        assertThat(report.getInt("errors[0].column")).isPositive();
    }

    @Test
    void publishRollbackAndASecondReplicaFollowing() throws Exception {
        String original = activeVersion();
        RedisConnection redis = RedisConnection.open(RedisServerResource.current().url(), Duration.ofSeconds(1), null);
        RuleSetMeters meters = new RuleSetMeters(new SimpleMeterRegistry());
        ActiveRuleSet replicaRules = new ActiveRuleSet(meters);
        RuleSetRollout replica = new RuleSetRollout(new RuleSetValidator(new RuleSetCompiler(OfferCatalogLoader.standalone(), Clock.systemUTC()),
                (candidate, files) -> List.of(), meters), new RuleSetStore(redis), replicaRules, "replica-b", Duration.ofSeconds(30),
                // The test reports this replica itself; a long heartbeat keeps it live while a busy
                // machine takes seconds to compile and test the publish before looking for replicas.
                Duration.ofSeconds(20));
        // replica-b reports itself twice a second, as a running one does, while the publisher compiles and tests
        var heartbeats = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            replica.follow();
            heartbeats.scheduleAtFixedRate(replica::heartbeat, 0, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
            assertThat(replicaRules.current().version()).isEqualTo(original);

            // a publish whose own scenario fails is refused whole
            Map<String, String> failing = folder();
            failing.put("zz-extra.drl", BESTSELLERS_FIRST);
            failing.put("tests/zz-impossible.yaml", """
                    name: An offer that does not exist comes first
                    now: 2026-11-23T12:00:00Z
                    request: {channel: web, limit: 1}
                    expect: {top: no-such-offer}
                    """);
            JsonPath refused = given().contentType(ContentType.JSON)
                    .body(Map.of("files", failing, "author", "ana", "message", "try")).post("/v1/rulesets")
                    .then().statusCode(422).contentType("application/problem+json").extract().jsonPath();
            assertThat(refused.getList("errors.file")).containsOnly("tests/zz-impossible.yaml");
            assertThat(refused.getString("errors[0].detail")).contains("no-such-offer");
            assertThat(activeVersion()).isEqualTo(original);

            // a good publish is compiled on the live replica first, then becomes active here and there;
            // replica-b keeps reporting itself, as a running one does, while the publisher compiles and tests
            Map<String, String> good = folder();
            good.put("zz-extra.drl", BESTSELLERS_FIRST);
            JsonPath answer = given().contentType(ContentType.JSON)
                    .body(Map.of("files", good, "author", "ana", "message", "bestsellers first")).post("/v1/rulesets")
                    .then().statusCode(201).extract().jsonPath();
            String published = answer.getString("version");
            assertThat(answer.getList("rollout.ready", String.class)).contains("replica-b");
            assertThat(answer.getList("rollout.late")).isEmpty();
            assertThat(published).isNotEqualTo(original).isEqualTo(RuleSetCompiler.versionOf(good));
            JsonPath decision = anonymousDecision();
            assertThat(decision.getString("ruleSetVersion")).isEqualTo(published);
            assertThat(decision.getString("offers[0].offerId")).isEqualTo("bestsellers-discovery");
            awaitVersion(replicaRules, published);

            // listed and shown
            JsonPath list = given().get("/v1/rulesets").then().statusCode(200).extract().jsonPath();
            assertThat(list.getList("version")).contains(original, published);
            assertThat(list.getString("find { it.active }.version")).isEqualTo(published);
            JsonPath shown = given().get("/v1/rulesets/" + published).then().statusCode(200).extract().jsonPath();
            assertThat(shown.getString("author")).isEqualTo("ana");
            assertThat(shown.getString("files.'zz-extra.drl'")).contains("Lifecycle test puts bestsellers first");

            // the diff shows the added rule file, and nothing else
            JsonPath diff = given().get("/v1/rulesets/" + original + "/diff/" + published).then().statusCode(200).extract().jsonPath();
            assertThat(diff.getList("file")).containsExactly("zz-extra.drl");
            assertThat(diff.getString("[0].change")).isEqualTo("added");
            assertThat(diff.getString("[0].diff")).contains("+++ " + published + "/zz-extra.drl").contains("+rule \"Lifecycle test puts bestsellers first\"");

            // roll back: here, on the replica, and in the history
            replica.heartbeat();
            JsonPath rolledBack = given().contentType(ContentType.JSON).body(Map.of("author", "bo", "message", "undo"))
                    .post("/v1/rulesets/" + original + "/activate").then().statusCode(200).extract().jsonPath();
            assertThat(rolledBack.getString("version")).isEqualTo(original);
            assertThat(rolledBack.getList("rollout.ready", String.class)).contains("replica-b");
            assertThat(anonymousDecision().getString("ruleSetVersion")).isEqualTo(original);
            awaitVersion(replicaRules, original);
            JsonPath history = given().get("/v1/rulesets/history").then().statusCode(200).extract().jsonPath();
            assertThat(history.getString("[0].version")).isEqualTo(original);
            assertThat(history.getString("[0].author")).isEqualTo("bo");
            assertThat(history.getString("[0].previous")).isEqualTo(published);

            given().contentType(ContentType.JSON).body(Map.of("author", "bo", "message", "x")).post("/v1/rulesets/abcdefabcdef/activate")
                    .then().statusCode(404).contentType("application/problem+json");
        } finally {
            heartbeats.shutdownNow();
            replica.onStop(null);
            redis.close();
        }
    }

    @Test
    void aReplicaThatCannotCompileStopsAPublishAndOneThatDoesNotAnswerIsNamed() throws Exception {
        String original = activeVersion();
        RedisConnection redis = RedisConnection.open(RedisServerResource.current().url(), Duration.ofSeconds(1), null);
        RuleSetStore store = new RuleSetStore(redis);
        // this replica publishes, and waits eight seconds at most for the others: the application replica compiles the candidate
        // in that time (the executable model took over two seconds for the demo rules on a machine at load 10)
        RuleSetMeters meters = new RuleSetMeters(new SimpleMeterRegistry());
        RuleSetRollout publisher = new RuleSetRollout(new RuleSetValidator(new RuleSetCompiler(OfferCatalogLoader.standalone(), Clock.systemUTC()),
                (candidate, files) -> List.of(), meters), store, new ActiveRuleSet(meters), "publisher", Duration.ofSeconds(8), Duration.ofSeconds(1));
        // a replica of an older build, which refuses whatever it is asked to prepare
        var old = redis.connectPubSub();
        old.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String version) {
                store.reportPrepared(version, "old-build", "cart.drl:3:0 Unable to resolve ObjectType 'Basket'");
            }
        });
        // both report themselves as live replicas do, however long the compile takes on a busy machine
        var heartbeats = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        heartbeats.scheduleAtFixedRate(() -> {
            store.heartbeat("silent", original, Instant.now());
            store.heartbeat("old-build", original, Instant.now());
        }, 0, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
        try {
            publisher.follow();
            Map<String, String> files = folder();
            files.put("zz-extra.drl", BESTSELLERS_FIRST.replace("Lifecycle test", "Rollout test"));

            // a live replica that never answers: the version goes active after the timeout, and it is named
            // (old-build is not subscribed yet, so it is silent too)
            RuleSetRollout.Activated activated = publisher.publish(files, "cy", "rollout");
            assertThat(activated.rollout().late()).containsExactly("old-build", "silent");
            String appReplica = given().get("/v1/rulesets/active").then().extract().jsonPath().getString("replica");
            assertThat(activated.rollout().ready()).contains("publisher", appReplica);
            assertThat(activeVersion()).isEqualTo(activated.ruleSet().version());
            List<String> replicas = given().get("/v1/rulesets/replicas").then().statusCode(200).extract().jsonPath().getList("id");
            assertThat(replicas).contains(appReplica, "silent");

            // a replica that cannot compile the version stops it: nothing is activated anywhere
            old.sync().subscribe(RuleSetStore.PREPARE_CHANNEL);
            files.put("zz-more.drl", BESTSELLERS_FIRST.replace("Lifecycle test", "Second rollout test"));
            assertThatThrownBy(() -> publisher.publish(files, "cy", "refused by the old build"))
                    .isInstanceOfSatisfying(RuleSetRollout.RefusedException.class, e -> assertThat(e.validation().errors())
                            .singleElement().satisfies(err -> {
                                assertThat(err.file()).isEqualTo("(replica old-build)");
                                assertThat(err.message()).contains("Basket");
                            }));
            assertThat(activeVersion()).isEqualTo(activated.ruleSet().version());
            assertThat(store.activeVersion()).contains(activated.ruleSet().version());
        } finally {
            heartbeats.shutdown();
            heartbeats.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
            old.close();
            store.leave("silent");
            store.leave("old-build");
            given().contentType(ContentType.JSON).body(Map.of("author", "cy", "message", "back")).post("/v1/rulesets/" + original + "/activate")
                    .then().statusCode(200);
            publisher.onStop(null);
            redis.close();
        }
    }

    @Test
    void theCommandLinePrintsAFolderAsTheApiBodyAndPublishesItOrSaysWhatIsWrong() throws Exception {
        String original = activeVersion();
        Path candidate = io.nbo.testing.RuleSets.copyOfRulesFolder(java.nio.file.Files.createTempDirectory(Path.of("target"), "cli-publish-rules"));
        java.nio.file.Files.createDirectories(candidate.resolve("tests"));
        for (Map.Entry<String, String> test : folder().entrySet()) {
            if (test.getKey().startsWith("tests/")) {
                java.nio.file.Files.writeString(candidate.resolve(test.getKey()), test.getValue());
            }
        }
        java.nio.file.Files.writeString(candidate.resolve("zz-cli.drl"), BESTSELLERS_FIRST);
        Map<String, String> env = Map.of("NBO_API_KEY", "any key: access control is off in tests",
                "NBO_URL", "http://localhost:" + io.restassured.RestAssured.port);

        // nbo files DIR: the body /v1/rulesets/validate takes, scenarios included (curl -d @-)
        String[] files = cli(env, "files", candidate.toString());
        assertThat(files[0]).isEqualTo("0");
        JsonPath body = JsonPath.from(files[1]);
        assertThat(body.getMap("files")).containsKeys("offers.yaml", "policies.yaml", "zz-cli.drl").hasSize(folder().size() + 1);
        JsonPath report = given().contentType(ContentType.JSON).body(files[1]).post("/v1/rulesets/validate").then().statusCode(200)
                .extract().jsonPath();
        assertThat(report.getBoolean("valid")).as(report.prettify()).isTrue();
        assertThat(report.getList("testFailures")).isEmpty();

        try {
            String[] published = cli(env, "publish", "--author", "ana", "--message", "bestsellers first in tests", candidate.toString());
            assertThat(published[0]).as(published[1] + published[2]).isEqualTo("0");
            assertThat(published[1]).contains("published version " + report.getString("version")).contains("active");
            assertThat(activeVersion()).isEqualTo(report.getString("version"));

            java.nio.file.Files.writeString(candidate.resolve("broken.drl"), BROKEN);
            String[] refused = cli(env, "publish", "--author", "ana", "--message", "broken", candidate.toString());
            assertThat(refused[0]).isEqualTo("1");
            assertThat(refused[1]).containsPattern(java.util.regex.Pattern.quote(candidate.resolve("broken.drl").toString()) + ":[67]:\\d+: \\S+")
                    .contains("nothing was published");
            assertThat(activeVersion()).isEqualTo(report.getString("version"));

            // a failing scenario is named with what it expected
            java.nio.file.Files.delete(candidate.resolve("broken.drl"));
            java.nio.file.Files.writeString(candidate.resolve("tests/zz-cli-impossible.yaml"), """
                    name: An offer that does not exist comes first
                    now: 2026-11-23T12:00:00Z
                    request: {channel: web}
                    expect: {top: no-such-offer}
                    """);
            String[] failing = cli(env, "publish", "--author", "ana", "--message", "failing", candidate.toString());
            assertThat(failing[0]).isEqualTo("1");
            assertThat(failing[1]).contains(candidate.resolve("tests/zz-cli-impossible.yaml") + ": ").contains("expected top offer no-such-offer");

            String[] noKey = cli(Map.of("NBO_URL", env.get("NBO_URL")), "publish", "--author", "ana", "--message", "m", candidate.toString());
            assertThat(noKey[0]).isEqualTo("2");
            assertThat(noKey[2]).contains("set NBO_API_KEY");
        } finally {
            given().contentType(ContentType.JSON).body(Map.of("author", "ana", "message", "back")).post("/v1/rulesets/" + original + "/activate")
                    .then().statusCode(200);
        }
    }

    /** Runs the nbo command line in this JVM: exit code, standard output, standard error. */
    static String[] cli(Map<String, String> env, String... args) {
        picocli.CommandLine cli = io.nbo.cli.NboCommand.commandLine(java.io.InputStream.nullInputStream(), env);
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        cli.setOut(new java.io.PrintWriter(out));
        cli.setErr(new java.io.PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    /** Within a second, without polling: the replica hears of the change by pub/sub. */
    static void awaitVersion(ActiveRuleSet replica, String version) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(1);
        while (!version.equals(replica.current().version()) && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        assertThat(replica.current().version()).isEqualTo(version);
    }

}
