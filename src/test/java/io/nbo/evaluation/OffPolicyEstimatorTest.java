package io.nbo.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The estimators against a four-event log worked out by hand (z = 1.959964). */
class OffPolicyEstimatorTest {

    static final double Z = 1.959964;

    /**
     * (reward, logging p, candidate π, candidate's choice): (1, .5, 1, yes), (0, .5, 0, no), (1, .25, .5, no), (0, 1, 1, yes).
     * Weights 2, 0, 2, 1; IPW terms 2, 0, 2, 0.
     */
    static OffPolicyEstimator.Report fourEvents() {
        OffPolicyEstimator e = new OffPolicyEstimator();
        e.add(1, 0.5, 1, true);
        e.add(0, 0.5, 0, false);
        e.add(1, 0.25, 0.5, false);
        e.add(0, 1, 1, true);
        return e.report();
    }

    @Test
    void ipwIsTheMeanOfTheWeightedRewardsWithANormalInterval() {
        Estimate ipw = fourEvents().ipw();
        // terms 2, 0, 2, 0: mean 1, sample variance 4/3, standard error sqrt(4/3 / 4)
        assertThat(ipw.used()).isEqualTo(4);
        assertThat(ipw.value()).isCloseTo(1.0, within(1e-12));
        assertThat(ipw.halfWidth()).isCloseTo(Z * Math.sqrt(1.0 / 3), within(1e-5));
    }

    @Test
    void selfNormalisedIpwDividesByTheWeightsWithADeltaMethodInterval() {
        Estimate snipw = fourEvents().snipw();
        // (2 + 2) / (2 + 0 + 2 + 1); se = sqrt(4·0.2² + 4·0.2² + 1·0.8²) / 5 = sqrt(0.96) / 5
        assertThat(snipw.value()).isCloseTo(0.8, within(1e-12));
        assertThat(snipw.halfWidth()).isCloseTo(Z * Math.sqrt(0.96) / 5, within(1e-5));
    }

    @Test
    void replayKeepsTheEventsWhereTheCandidateChoseTheLoggedAction() {
        Estimate replay = fourEvents().replay();
        // events 1 and 4: rewards 1 and 0, sample variance 0.5, se = sqrt(0.5 / 2)
        assertThat(replay.used()).isEqualTo(2);
        assertThat(replay.value()).isCloseTo(0.5, within(1e-12));
        assertThat(replay.halfWidth()).isCloseTo(Z * 0.5, within(1e-5));
    }

    @Test
    void effectiveSampleSizeMeanWeightAndTheLoggedReward() {
        OffPolicyEstimator.Report r = fourEvents();
        assertThat(r.effectiveSampleSize()).isCloseTo(25.0 / 9, within(1e-12));
        assertThat(r.meanWeight()).isCloseTo(1.25, within(1e-12));
        assertThat(r.logged().value()).isCloseTo(0.5, within(1e-12));
        assertThat(r.logged().halfWidth()).isCloseTo(Z * Math.sqrt(1.0 / 12), within(1e-5));
        assertThat(r.warnings()).anyMatch(w -> w.startsWith("effective sample size 2.8 is below 100"))
                .anyMatch(w -> w.startsWith("logging probabilities vary (0.25 to 1)"));
    }

    @Test
    void eventsWithoutALoggingProbabilityCountForReplayAndTheLoggedRewardOnly() {
        OffPolicyEstimator e = new OffPolicyEstimator();
        e.add(1, 0.5, 1, true);
        e.add(0, 0.5, 1, true);
        e.add(1, Double.NaN, 1, true);
        OffPolicyEstimator.Report r = e.report();

        assertThat(r.unknownProbability()).isEqualTo(1);
        assertThat(r.ipw().used()).isEqualTo(2);
        assertThat(r.ipw().value()).isCloseTo(1.0, within(1e-12));
        assertThat(r.replay().used()).isEqualTo(3);
        assertThat(r.logged().value()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(r.warnings()).contains("1 of 3 events have no logging probability: left out of IPW and SNIPW");
    }

    @Test
    void aUniformLogNeedsNoWarningAboutReplay() {
        OffPolicyEstimator e = new OffPolicyEstimator();
        for (int i = 0; i < 300; i++) {
            e.add(i % 3 == 0 ? 1 : 0, 1.0 / 3, i % 3 == 0 ? 1 : 0, i % 3 == 0);
        }
        OffPolicyEstimator.Report r = e.report();
        assertThat(r.replay().value()).isEqualTo(1.0);
        assertThat(r.ipw().value()).isCloseTo(1.0, within(1e-12));
        assertThat(r.snipw().value()).isCloseTo(1.0, within(1e-12));
        assertThat(r.meanWeight()).isCloseTo(1.0, within(1e-12));
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void oneEventHasNoInterval() {
        OffPolicyEstimator e = new OffPolicyEstimator();
        e.add(1, 0.5, 1, true);
        assertThat(e.report().ipw().value()).isEqualTo(2.0);
        assertThat(e.report().ipw().low()).isNaN();
        assertThat(e.report().snipw().low()).isNaN();
    }

    @Test
    void aProbabilityOutsideZeroToOneIsRefused() {
        OffPolicyEstimator e = new OffPolicyEstimator();
        assertThatThrownBy(() -> e.add(1, 0, 1, true)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> e.add(1, 1.5, 1, true)).isInstanceOf(IllegalArgumentException.class);
    }
}
