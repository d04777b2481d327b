package io.nbo.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nbo.model.Customer;
import io.nbo.model.Request;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThompsonSamplingPolicyTest {

    static final Instant AT = Instant.parse("2026-11-23T12:00:00Z");

    static void log(List<LoggedEvent> log, String offer, int position, int trials, int clicks) {
        for (int i = 0; i < trials; i++) {
            log.add(new LoggedEvent(log.size() + 1, AT, Customer.unknown(null, AT), new Request(null, null, null, null, Map.of()), offer, null,
                    position, 0.5, i < clicks ? 1 : 0, List.of()));
        }
    }

    @Test
    void theOfferWithTheBetterPosteriorIsChosenAlmostAlwaysAndEachSlotSumsToOne() {
        List<LoggedEvent> log = new ArrayList<>();
        log(log, "a", 1, 1000, 100);
        log(log, "b", 1, 1000, 10);
        // slot 2: the reverse
        log(log, "a", 2, 1000, 10);
        log(log, "b", 2, 1000, 100);

        ThompsonSamplingPolicy policy = ThompsonSamplingPolicy.fit(log, 10_000, 7);

        assertThat(policy.probability("a", 0)).isGreaterThan(0.99);
        assertThat(policy.probability("b", 1)).isGreaterThan(0.99);
        assertThat(policy.probability("a", 0) + policy.probability("b", 0)).isCloseTo(1, within(1e-12));
        assertThat(policy.choices(log.get(0))).extracting(CandidatePolicy.Choice::offerId).containsExactly("a", "b");
        assertThat(policy.probability("a", 5)).isZero();
    }

    @Test
    void equalEvidenceSplitsTheChoiceAndAnUnseenOfferKeepsAChanceFromItsPrior() {
        List<LoggedEvent> log = new ArrayList<>();
        log(log, "a", 1, 20, 2);
        log(log, "b", 1, 20, 2);
        log(log, "c", 2, 5, 0);

        ThompsonSamplingPolicy policy = ThompsonSamplingPolicy.fit(log, 20_000, 11);

        // a, b: Beta(3, 19) each; c never shown in slot 1: Beta(1, 1), so it wins most draws there
        assertThat(policy.probability("a", 0)).isCloseTo(policy.probability("b", 0), within(0.03));
        assertThat(policy.probability("c", 0)).isGreaterThan(0.6);
    }

    @Test
    void theRankedFormFillsTheSlotsInTheOrderOfThePosteriors() {
        List<LoggedEvent> log = new ArrayList<>();
        log(log, "a", 1, 1000, 300);
        log(log, "b", 2, 1000, 100);
        log(log, "c", 3, 1000, 10);

        ThompsonSamplingPolicy policy = ThompsonSamplingPolicy.fitRanked(log, 3, 10_000, 3);

        assertThat(policy.probability("a", 0)).isGreaterThan(0.99);
        assertThat(policy.probability("b", 1)).isGreaterThan(0.99);
        assertThat(policy.probability("c", 2)).isGreaterThan(0.99);
        for (int slot = 0; slot < 3; slot++) {
            int k = slot;
            assertThat(List.of("a", "b", "c").stream().mapToDouble(o -> policy.probability(o, k)).sum()).isCloseTo(1, within(1e-12));
        }
    }
}
