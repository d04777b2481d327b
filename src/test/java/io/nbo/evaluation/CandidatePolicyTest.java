package io.nbo.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.evaluation.CandidatePolicy.Choice;
import io.nbo.model.Customer;
import io.nbo.model.Request;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CandidatePolicyTest {

    static LoggedEvent logged(String offer, String channel) {
        Instant at = Instant.parse("2026-11-23T12:00:00Z");
        return new LoggedEvent(1, at, Customer.unknown("c-1", at), new Request("web", null, null, null, Map.of()), offer, channel, null,
                0.5, 1, List.of());
    }

    static final List<Choice> SPREAD = List.of(new Choice("a", "web", 0.25), new Choice("b", "email", 0.5), new Choice("a", "email", 0.25));

    @Test
    void theLoggedActionsProbabilityAddsItsChannelsUnlessTheLogNamesOne() {
        assertThat(CandidatePolicy.probabilityOf(SPREAD, logged("a", null))).isEqualTo(0.5);
        assertThat(CandidatePolicy.probabilityOf(SPREAD, logged("a", "web"))).isEqualTo(0.25);
        assertThat(CandidatePolicy.probabilityOf(SPREAD, logged("c", null))).isZero();
        assertThat(CandidatePolicy.probabilityOf(List.of(), logged("a", null))).isZero();
    }

    @Test
    void replayDrawsTheChoiceFromTheDistribution() {
        // cumulative 0.25 (a/web), 0.75 (b/email), 1.0 (a/email)
        assertThat(CandidatePolicy.isChoice(SPREAD, logged("a", "web"), 0.1)).isTrue();
        assertThat(CandidatePolicy.isChoice(SPREAD, logged("a", "web"), 0.3)).isFalse();
        assertThat(CandidatePolicy.isChoice(SPREAD, logged("b", null), 0.3)).isTrue();
        assertThat(CandidatePolicy.isChoice(SPREAD, logged("a", null), 0.9)).isTrue();
        assertThat(CandidatePolicy.isChoice(List.of(), logged("a", null), 0.1)).isFalse();
    }
}
