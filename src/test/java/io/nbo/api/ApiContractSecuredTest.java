package io.nbo.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.testing.AccessControlOn;
import io.nbo.testing.ApiDocument;
import io.nbo.testing.ApiDocument.Op;
import io.nbo.testing.ContractCheck;
import io.nbo.testing.RedisServerResource;
import io.nbo.testing.RequestFuzzer;
import io.nbo.testing.RequestFuzzer.Call;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link ApiContractTest} with access control on, in the application {@code AccessControlTest} runs:
 * the fuzzer sends each operation's allowed key, and every request also goes out without a key, with
 * an unknown one and with a key of a role not allowed, whose answers (401, 403) must be documented
 * problem+json too. Fewer requests per operation: the same code answers as with access control off.
 */
@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
@TestProfile(AccessControlOn.class)
class ApiContractSecuredTest extends ApiContractTestBase {

    static final int PER_OPERATION = 12;

    @Override
    String key(String role) {
        return role == null ? null : AccessControlOn.keyOf(role);
    }

    @Override
    int perOperation(Op op) {
        return PER_OPERATION;
    }

    @Test
    void fuzzedRequestsWithTheRightKeyGetDocumentedAnswers() {
        ContractCheck check = fuzz(SEED + 1);
        assertThat(check.report()).as("answers that differ from /q/openapi").isEmpty();
    }

    @Test
    void fuzzedRequestsWithoutTheRightKeyGetDocumentedAnswers() {
        ApiDocument doc = ApiDocument.fetch(json);
        Map<String, List<String>> known = fixtures();
        RequestFuzzer fuzzer = new RequestFuzzer(doc, SEED + 2, known);
        ContractCheck check = new ContractCheck(doc, json);
        for (Op op : doc.operations()) {
            String wrongRole = List.of("channel", "marketer", "admin", "metrics").stream()
                    .filter(r -> op.operation().getSecurity().get(0).get("ApiKey").stream().noneMatch(r::equals)).findFirst().orElseThrow();
            for (Call call : fuzzer.calls(op, 3)) {
                // A body in another media type is refused (415) before the endpoint, and so before its key is looked at.
                boolean json = call.contentType() == null || call.contentType().equals("application/json");
                assertThat(check.send(call, null).statusCode()).as(call.toString()).isIn(json ? List.of(401) : List.of(401, 415));
                assertThat(check.send(call, AccessControlOn.UNKNOWN_KEY).statusCode()).as(call.toString())
                        .isIn(json ? List.of(401) : List.of(401, 415));
                assertThat(check.send(call, AccessControlOn.keyOf(wrongRole)).statusCode()).as(call.toString())
                        .isIn(json ? List.of(403) : List.of(403, 415));
            }
        }
        assertThat(check.report()).as("answers that differ from /q/openapi").isEmpty();
    }
}
