package io.nbo.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.testing.AccessControlOn;
import io.nbo.testing.CapturedLogs;
import io.nbo.testing.Customers;
import io.nbo.testing.RedisProbe;
import io.nbo.testing.RedisServerResource;
import io.nbo.testing.RuleSets;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Rule-set publishes, activations and customer deletions are audited with the key's name, the
 * version or a pseudonym of the customer, and the outcome: in the nbo.audit log and in Redis,
 * newest first through GET /v1/audit (admins only).
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@TestProfile(AccessControlOn.class)
class AuditLogTest {

    static io.restassured.specification.RequestSpecification as(String key) {
        return given().header("X-API-Key", key);
    }

    static List<Map<String, Object>> audit(int limit) {
        return as(AccessControlOn.ADMIN_KEY).get("/v1/audit?limit=" + limit).then().statusCode(200).extract().jsonPath().getList("");
    }

    @Test
    void publishesAndRollbacksNameTheKeyTheVersionAndTheOutcome() {
        String before = as(AccessControlOn.MARKETER_KEY).get("/v1/rulesets/active").then().statusCode(200).extract().jsonPath().getString("version");
        Map<String, String> files = new TreeMap<>(RuleSets.folder());
        files.put("zz-audit.drl", RuleSets.BESTSELLERS_FIRST.replace("Lifecycle test puts", "Audit test puts"));
        try (CapturedLogs logs = CapturedLogs.start()) {
            String published = as(AccessControlOn.MARKETER_KEY).contentType(ContentType.JSON)
                    .body(Map.of("files", files, "author", "Ana", "message", "audit test")).post("/v1/rulesets")
                    .then().statusCode(201).extract().jsonPath().getString("version");
            Map<String, String> broken = new TreeMap<>(RuleSets.folder());
            broken.put("broken.drl", RuleSets.BROKEN);
            as(AccessControlOn.OPS_KEY).contentType(ContentType.JSON).body(Map.of("files", broken, "author", "Ana", "message", "broken"))
                    .post("/v1/rulesets").then().statusCode(422);
            as(AccessControlOn.MARKETER_KEY).contentType(ContentType.JSON).body(Map.of("author", "Ana", "message", "back"))
                    .post("/v1/rulesets/" + before + "/activate").then().statusCode(200);
            as(AccessControlOn.MARKETER_KEY).contentType(ContentType.JSON).body(Map.of("author", "Ana", "message", "nothing"))
                    .post("/v1/rulesets/0000000000ff/activate").then().statusCode(404);

            String refused = io.nbo.rules.RuleSetCompiler.versionOf(broken);
            List<Map<String, Object>> entries = audit(4);
            assertThat(entries).extracting(e -> e.get("actor") + " " + e.get("action") + " " + e.get("target") + " " + e.get("outcome"))
                    .containsExactly(
                            "marketing-team ruleset.activate version 0000000000ff not_found",
                            "marketing-team ruleset.activate version " + before + " ok",
                            "ops ruleset.publish version " + refused + " refused",
                            "marketing-team ruleset.publish version " + published + " ok");
            assertThat(entries).allSatisfy(e -> assertThat((String) e.get("at")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z"))
                    .allSatisfy(e -> assertThat((String) e.get("id")).matches("\\d+-\\d+"));

            List<String> lines = logs.of("nbo.audit");
            assertThat(lines).hasSize(4);
            JsonPath first = new JsonPath(lines.get(0).substring(0, lines.get(0).indexOf('}') + 1));
            assertThat(first.getString("actor")).isEqualTo("marketing-team");
            assertThat(first.getString("action")).isEqualTo("ruleset.publish");
            assertThat(first.getString("target")).isEqualTo("version " + published);
            assertThat(first.getString("outcome")).isEqualTo("ok");
            assertThat(logs.all()).doesNotContain(AccessControlOn.MARKETER_KEY).doesNotContain(AccessControlOn.OPS_KEY);
        }
    }

    @Test
    void aCustomerDeletionNamesTheCustomerByAHashOfTheId() throws Exception {
        String id = "audit-probe-4711";
        as(AccessControlOn.ADMIN_KEY).contentType(ContentType.JSON).body(Customers.goldCartAbandoner()).put("/v1/customers/" + id)
                .then().statusCode(200);
        try (CapturedLogs logs = CapturedLogs.start()) {
            as(AccessControlOn.ADMIN_KEY).delete("/v1/customers/" + id).then().statusCode(200);
            as(AccessControlOn.ADMIN_KEY).delete("/v1/customers/" + id).then().statusCode(404);

            String pseudonym = "customer sha256:" + java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(id.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            List<Map<String, Object>> entries = audit(2);
            assertThat(entries).extracting(e -> e.get("actor") + " " + e.get("action") + " " + e.get("target") + " " + e.get("outcome"))
                    .containsExactly("dpo customer.delete " + pseudonym + " not_found", "dpo customer.delete " + pseudonym + " ok");
            assertThat(logs.of("nbo.audit")).hasSize(2).allSatisfy(line -> assertThat(line).contains(pseudonym).doesNotContain(id));
        }
        try (RedisProbe probe = RedisProbe.ofApp()) {
            assertThat(probe.redis().type(AuditStore.STREAM)).isEqualTo("stream");
            assertThat(probe.redis().xrange(AuditStore.STREAM, io.lettuce.core.Range.unbounded()))
                    .allSatisfy(m -> assertThat(m.getBody().get("e")).doesNotContain(id));
        }
    }

    @Test
    void onlyAdminsReadTheAuditLog() {
        given().get("/v1/audit").then().statusCode(401);
        as(AccessControlOn.MARKETER_KEY).get("/v1/audit").then().statusCode(403);
        assertThat(audit(1)).hasSizeLessThanOrEqualTo(1);
    }
}
