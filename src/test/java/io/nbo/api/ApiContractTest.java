package io.nbo.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nbo.testing.ApiDocument;
import io.nbo.testing.ApiDocument.Op;
import io.nbo.testing.ContractCheck;
import io.nbo.testing.RedisServer;
import io.nbo.testing.RedisServerResource;
import io.nbo.testing.RequestFuzzer;
import io.nbo.testing.RequestFuzzer.Call;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The OpenAPI document is the contract clients generate code from: this fuzzes every operation of
 * {@code /q/openapi} (a fixed seed, {@link #PER_OPERATION} requests each, valid and broken) and
 * checks every answer against it ({@link ContractCheck}); pastes every example; and, with Redis
 * stopped, checks that every operation still answers only what the document lists. Access control is
 * off here; {@code ApiContractSecuredTest} runs the same with it on.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@TestProfile(ApiContractTest.OwnApplication.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiContractTest extends ApiContractTestBase {

    /** An application and a redis-server of its own: the fuzzer stores, deletes and publishes, and the last test stops Redis. */
    public static class OwnApplication implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // With Redis stopped, the breaker opens after a few calls, so the rest fail at once instead of each waiting 250 ms.
            return Map.of("nbo.redis.breaker.minimum-calls", "5");
        }
    }

    static final int PER_OPERATION = 40;

    @Override
    String key(String role) {
        return null;
    }

    @Override
    int perOperation(Op op) {
        return PER_OPERATION;
    }

    @Test
    @Order(1)
    void theDocumentIsWellFormedAndItsExamplesFitItsSchemas() {
        ApiDocument doc = ApiDocument.fetch(json);
        List<String> wrong = new ArrayList<>(examplesAgainstSchemas(doc));
        JsonNode paths = doc.json().get("paths");
        paths.fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(method -> {
            JsonNode responses = method.getValue().get("responses");
            responses.fields().forEachRemaining(status -> {
                if (status.getKey().startsWith("4") || status.getKey().startsWith("5")) {
                    JsonNode schema = status.getValue().at("/content/application~1problem+json/schema/$ref");
                    if (!schema.asText().endsWith("/Problem")) {
                        wrong.add(method.getKey() + " " + path.getKey() + " " + status.getKey() + " is not a problem+json Problem");
                    }
                }
            });
            if (path.getKey().startsWith("/v1/") && !(responses.has("401") && responses.has("403"))) {
                wrong.add(method.getKey() + " " + path.getKey() + " does not list 401 and 403");
            }
        }));
        doc.json().findValues("pattern").forEach(p -> {
            if (!p.asText().startsWith("^") && !p.asText().equals("\\S")) {
                wrong.add("pattern " + p.asText() + " is not anchored");
            }
        });
        assertThat(wrong).isEmpty();
        JsonNode schemas = doc.json().at("/components/schemas");
        assertThat(names(schemas.at("/Decision/required"))).contains("decisionId", "channel", "decidedAt", "offers", "partial",
                "degraded", "reasons", "suppressed");
        assertThat(names(schemas.at("/RankedOffer/required"))).contains("rank", "offerId", "channel", "creative", "score", "scoreParts",
                "rules", "why");
        assertThat(names(schemas.at("/EventInput/required"))).containsExactlyInAnyOrder("eventId", "type", "customerId");
        assertThat(schemas.at("/Events/oneOf").size()).isEqualTo(2);
    }

    @Test
    @Order(2)
    void everyExampleWorksWhenPasted() {
        ContractCheck check = pasteExamples();
        assertThat(check.report()).as("examples that do not work as documented").isEmpty();
    }

    /** The API page's JSON (docs/api.md): the decision request and the events are pasted, the decision's answer fits the documented schema. */
    @Test
    @Order(3)
    void theReadmesExamplesWorkWhenPasted() throws Exception {
        String readme = Files.readString(Path.of("docs", "api.md"));
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```json\\n(.*?)\\n```", Pattern.DOTALL).matcher(readme);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        assertThat(blocks).as("docs/api.md's JSON blocks: a decision request, its answer, events").hasSize(3);
        ApiDocument doc = ApiDocument.fetch(json);
        Op decide = doc.operations().stream().filter(op -> op.toString().equals("POST /v1/decisions")).findFirst().orElseThrow();

        SoftAssertions softly = new SoftAssertions();
        Response request = given().contentType(ContentType.JSON).body(blocks.get(0)).post("/v1/decisions");
        softly.assertThat(request.statusCode()).as("the decision request: " + request.asString()).isEqualTo(200);
        softly.assertThat(doc.checkResponse(decide, 200, "application/json", json.readTree(blocks.get(1)))).as("the answer").isEmpty();
        Response events = given().contentType(ContentType.JSON).body(blocks.get(2)).post("/v1/events");
        softly.assertThat(events.statusCode()).as("the events: " + events.asString()).isEqualTo(200);
        softly.assertAll();
    }

    @Test
    @Order(4)
    void fuzzedRequestsGetDocumentedAnswers() {
        long start = System.nanoTime();
        ContractCheck check = fuzz(SEED);
        System.out.printf("ApiContractTest: %d requests in %.1f s%n", check.sent(), (System.nanoTime() - start) / 1e9);
        assertThat(check.report()).as("answers that differ from /q/openapi").isEmpty();
    }

    @Test
    @Order(5)
    void whileRedisIsDownEveryAnswerIsDocumented() throws Exception {
        ApiDocument doc = ApiDocument.fetch(json);
        Map<String, List<String>> known = fixtures();
        RequestFuzzer fuzzer = new RequestFuzzer(doc, SEED, known);
        ContractCheck check = new ContractCheck(doc, json, true);
        List<Call> calls = new ArrayList<>();
        for (Op op : doc.operations()) {
            calls.addAll(fuzzer.calls(op, 3).stream().filter(c -> c.invalid() == null).toList());
            calls.addAll(examples(doc, op, known));
        }
        RedisServer redis = RedisServerResource.current();
        redis.freeze();
        TreeSet<String> unavailable = new TreeSet<>();
        try {
            for (Call call : calls) {
                Response r = check.send(call, key(role(call.op())));
                if (r.statusCode() == 503) {
                    unavailable.add(call.op().toString());
                }
            }
        } finally {
            redis.thaw();
        }
        System.out.println("ApiContractTest: with Redis stopped, 503 from " + unavailable);
        assertThat(check.report()).as("answers with Redis stopped that differ from /q/openapi").isEmpty();
        // The document lists 503 exactly where Redis is needed; a decision never fails for Redis (it answers degraded).
        TreeSet<String> documented = new TreeSet<>();
        doc.operations().stream().filter(op -> doc.statuses(op).contains(503)).forEach(op -> documented.add(op.toString()));
        documented.remove("POST /v1/decisions");
        assertThat(unavailable).containsExactlyElementsOf(documented);
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
