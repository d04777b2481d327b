package io.nbo.api;

import static io.nbo.testing.RuleSets.BESTSELLERS_FIRST;
import static io.nbo.testing.RuleSets.BROKEN;
import static io.nbo.testing.RuleSets.activeVersion;
import static io.nbo.testing.RuleSets.folder;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.simulation.SimulationJobs;
import io.nbo.testing.Customers;
import io.nbo.testing.HeldRunner;
import io.nbo.testing.RedisServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Simulations as jobs: started, followed, finished with their figures, cancelled, refused over the limit. */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@TestProfile(SimulationResourceTest.OwnApp.class)
class SimulationResourceTest {

    /** Its own application and Redis, so the stored customers are exactly the ones this test puts. */
    public static class OwnApp implements QuarkusTestProfile {
    }

    static final String SIMULATIONS = "/v1/rulesets/simulations";

    static ExtractableResponse<Response> start(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post(SIMULATIONS).then().extract();
    }

    static JsonPath job(String id) {
        return given().get(SIMULATIONS + "/" + id).then().statusCode(200).extract().jsonPath();
    }

    /** Polls the job until {@code until} holds, for at most a minute. */
    static JsonPath awaitJob(String id, Predicate<JsonPath> until) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        JsonPath job;
        while (!until.test(job = job(id))) {
            assertThat(Instant.now()).as("waiting for simulation " + id + ": " + job.prettify()).isBefore(deadline);
            Thread.sleep(50);
        }
        return job;
    }

    static boolean finished(JsonPath job) {
        return !job.getString("state").equals("running");
    }

    @Test
    void aJobSimulatesTheStoredCustomersAndReportsWhenDone() throws Exception {
        for (int i = 0; i < 20; i++) {
            given().contentType(ContentType.JSON).body(Customers.goldCartAbandoner()).put("/v1/customers/sim-" + i).then().statusCode(200);
        }
        Map<String, String> candidate = folder();
        candidate.put("zz-extra.drl", BESTSELLERS_FIRST);

        ExtractableResponse<Response> started = start(Map.of("files", candidate, "sample", 50, "channel", "web",
                "context", Map.of("test", "lifecycle")));

        assertThat(started.statusCode()).isEqualTo(202);
        String id = started.jsonPath().getString("id");
        assertThat(started.header("Location")).endsWith(SIMULATIONS + "/" + id);
        assertThat(started.jsonPath().getString("state")).isEqualTo("running");

        JsonPath job = awaitJob(id, SimulationResourceTest::finished);
        assertThat(job.getString("state")).isEqualTo("done");
        assertThat(job.getLong("customersDone")).isEqualTo(20);
        // fewer stored than the sample asked for
        assertThat(job.getLong("customersPlanned")).isEqualTo(20);
        assertThat(Instant.parse(job.getString("finishedAt"))).isAfterOrEqualTo(Instant.parse(job.getString("startedAt")));
        assertThat(job.getString("error")).isNull();
        assertThat(job.getLong("report.customers")).isEqualTo(20);
        assertThat(job.getLong("report.candidate.topOffers.bestsellers-discovery")).isEqualTo(20);
        assertThat(job.getLong("report.topOfferChanged")).isEqualTo(20);
        assertThat(job.getString("report.active.version")).isEqualTo(activeVersion());
        assertThat(job.getLong("report.chosenDelta.bestsellers-discovery")).isEqualTo(20);

        JsonPath list = given().get(SIMULATIONS).then().statusCode(200).extract().jsonPath();
        assertThat(list.getString("[0].id")).isEqualTo(id);
        assertThat(list.getString("[0].state")).isEqualTo("done");
        assertThat(list.getMap("[0]")).doesNotContainKey("report");
    }

    @Test
    void aCandidateThatDoesNotCompileOrABadBodyStartsNothing() {
        Map<String, String> candidate = folder();
        candidate.put("broken.drl", BROKEN);

        ExtractableResponse<Response> refused = start(Map.of("files", candidate, "channel", "web"));

        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.contentType()).startsWith(Problem.MEDIA_TYPE);
        assertThat(refused.jsonPath().getList("errors.file")).containsOnly("broken.drl");
        assertThat(refused.jsonPath().getInt("errors[0].line")).isBetween(6, 7);

        ExtractableResponse<Response> tooMany = start(Map.of("channel", "web", "sample", 1_000_000));
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.jsonPath().getList("errors.pointer")).containsExactly("/sample");
        ExtractableResponse<Response> noSuchChannel = start(Map.of("channel", "fax"));
        assertThat(noSuchChannel.statusCode()).isEqualTo(400);
        assertThat(noSuchChannel.jsonPath().getList("errors.pointer")).containsExactly("/channel");
    }

    @Test
    void anUnknownJobIsNotFound() {
        given().get(SIMULATIONS + "/no-such-job").then().statusCode(404).contentType(Problem.MEDIA_TYPE);
        given().delete(SIMULATIONS + "/no-such-job").then().statusCode(404).contentType(Problem.MEDIA_TYPE);
    }

    @Test
    void aRunningJobShowsProgressHoldsItsSlotAndCanBeCancelled() throws Exception {
        HeldRunner runner = new HeldRunner();
        SimulationJobs held = new SimulationJobs(runner, 1, Duration.ofHours(1), 100, Clock.systemUTC());
        QuarkusMock.installMockForType(held, SimulationJobs.class);
        Map<String, Object> body = Map.of("channel", "web");
        try {
            String id = start(body).jsonPath().getString("id");
            JsonPath running = awaitJob(id, j -> j.getLong("customersDone") == 1);
            assertThat(running.getString("state")).isEqualTo("running");
            assertThat(running.getInt("customersPlanned")).isEqualTo(HeldRunner.PLANNED);
            assertThat(running.getLong("report.customers")).isEqualTo(1);

            ExtractableResponse<Response> overTheLimit = start(body);
            assertThat(overTheLimit.statusCode()).isEqualTo(429);
            assertThat(overTheLimit.contentType()).startsWith(Problem.MEDIA_TYPE);
            assertThat(overTheLimit.header("Retry-After")).isEqualTo("10");

            given().delete(SIMULATIONS + "/" + id).then().statusCode(204);
            given().delete(SIMULATIONS + "/" + id).then().statusCode(204);
            JsonPath cancelled = job(id);
            assertThat(cancelled.getString("state")).isEqualTo("cancelled");
            assertThat(cancelled.getString("finishedAt")).isNotNull();
            assertThat(cancelled.getLong("report.customers")).isEqualTo(1);

            // The cancelled run stops at its next batch and gives its slot back: the next job starts and runs to the end.
            runner.release();
            Instant deadline = Instant.now().plusSeconds(10);
            ExtractableResponse<Response> next;
            while ((next = start(body)).statusCode() == 429) {
                assertThat(Instant.now()).as("waiting for the cancelled run to stop").isBefore(deadline);
                Thread.sleep(10);
            }
            assertThat(next.statusCode()).isEqualTo(202);
            String nextId = next.jsonPath().getString("id");
            JsonPath done = awaitJob(nextId, SimulationResourceTest::finished);
            assertThat(done.getString("state")).isEqualTo("done");
            assertThat(done.getLong("customersDone")).isEqualTo(HeldRunner.PLANNED);
            assertThat(job(id).getLong("customersDone")).isEqualTo(1);
            given().delete(SIMULATIONS + "/" + nextId).then().statusCode(409).contentType(Problem.MEDIA_TYPE);
        } finally {
            runner.release();
            held.close();
        }
    }
}
