package io.nbo.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The AUC of a contextual model measured on positives against trials that include them, and its reservoirs. */
class ContextualAucTest {

    @Test
    void theCorrectionRecoversTheAucOfPositivesAgainstNegatives() {
        // Negatives score 0 and 2, positives 1 and 3: positives beat negatives in 3 of 4 pairs (1 > 0, 3 > 0, 3 > 2).
        // The trials are all four (π = 1/2). Positive 1 against trials 0, 1, 2, 3: 1 + ½ + 0 + 0 = 1.5; positive 3:
        // 1 + 1 + 1 + ½ = 3.5; so AUC' = 5 / 8, and (5/8 − 1/4) / (1 − 1/2) = 3/4.
        double againstTrials = Auc.between(new double[] {1, 3}, new double[] {0, 1, 2, 3});
        assertThat(againstTrials).isEqualTo(0.625);
        assertThat(ContextualAuc.corrected(againstTrials, 0.5)).isEqualTo(0.75);
        // no positive among the trials: nothing to correct; all positives: undefined
        assertThat(ContextualAuc.corrected(0.7, 0)).isEqualTo(0.7);
        assertThat(ContextualAuc.corrected(0.7, 1)).isNaN();
        // sampling noise past the ends is clamped
        assertThat(ContextualAuc.corrected(0.2, 0.5)).isZero();
        assertThat(ContextualAuc.corrected(0.99, 0.1)).isEqualTo(1.0);
    }

    /** A batch of n trials alternating gold (score 1, and a positive) and silver (score −1, no positive). */
    static ContextualAuc.Batch goldClicks(ContextualAuc auc, int n) {
        ContextualAuc.Batch batch = auc.batch();
        for (int i = 0; i < n; i++) {
            boolean gold = i % 2 == 0;
            batch.trial("coat|web", gold ? 1 : -1);
            if (gold) {
                batch.positive("coat|web", 1);
            }
        }
        return batch;
    }

    @Test
    void aModelThatRanksEveryPositiveFirstScoresOneOnceItHasEnoughOfBoth() {
        ContextualAuc auc = new ContextualAuc();
        // 58 trials, 29 positives: not enough positives yet
        ContextualAuc.Batch first = goldClicks(auc, 2 * (ContextualAuc.MIN - 1));
        assertThat(first.changed()).isEmpty();
        auc.commit(first, Map.of(), Set.of());
        // 2 more: 30 positives. AUC' = ½·½ (ties with the gold trials) + ½·1 = 3/4, π = 1/2: (3/4 − 1/4) / (1/2) = 1
        ContextualAuc.Batch second = goldClicks(auc, 2);
        assertThat(second.changed()).containsExactly(Map.entry("coat|web", 1.0));
        auc.commit(second, second.changed(), Set.of());
        // published already, unchanged: not again
        assertThat(goldClicks(auc, 2).changed()).isEmpty();
    }

    @Test
    void aRefusedBatchLeavesNoScoresAndAResetModelStartsAgain() {
        ContextualAuc auc = new ContextualAuc();
        ContextualAuc.Batch refused = goldClicks(auc, 100);
        assertThat(refused.changed()).containsKey("coat|web");
        // never committed (the apply was refused): the reservoirs are as before, empty
        assertThat(goldClicks(auc, 2).changed()).isEmpty();

        ContextualAuc.Batch applied = goldClicks(auc, 100);
        auc.commit(applied, applied.changed(), Set.of());
        // the model was reset meanwhile (the apply found it fresh): its scores are the old model's, dropped
        ContextualAuc.Batch afterReset = goldClicks(auc, 2);
        auc.commit(afterReset, Map.of(), Set.of("coat|web"));
        assertThat(goldClicks(auc, 2).changed()).isEmpty();
    }

    @Test
    void positivesThatRankLikeAnyTrialScoreOneHalf() {
        ContextualAuc auc = new ContextualAuc();
        ContextualAuc.Batch batch = auc.batch();
        // scores 0..9 cycling; every third trial a positive with the same score as its trial: no separation
        for (int i = 0; i < 300; i++) {
            batch.trial("coat|web", i % 10);
            if (i % 3 == 0) {
                batch.positive("coat|web", i % 10);
            }
        }
        assertThat(batch.changed().get("coat|web")).isCloseTo(0.5, within(0.02));
    }

    /** 1,500 trials scored 0, every other one a positive (scored 0 too): the model separates nothing. */
    static ContextualAuc withOldTies() {
        ContextualAuc auc = new ContextualAuc();
        ContextualAuc.Batch old = auc.batch();
        for (int i = 0; i < 1_500; i++) {
            old.trial("coat|web", 0);
            if (i % 2 == 0) {
                old.positive("coat|web", 0);
            }
        }
        assertThat(old.changed()).containsEntry("coat|web", 0.5);
        auc.commit(old, old.changed(), Set.of());
        return auc;
    }

    @Test
    void onlyTheLastThousandOfEachCountWhetherTheyCameInOneBatchOrMany() {
        // Then 600 trials alternating gold (score 1, a positive) and silver (−1). The reservoirs keep the last 1,000
        // trials (400 old zeros, 300 ones, 300 minus ones) and the last 1,000 positives (700 old zeros, 300 ones).
        // π: since the oldest kept trial (the 1,100th) 200 old and 300 new positives, over 1,000 trials: 1/2.
        // A positive at 0 beats 300 and ties 400: 0.5; at 1 beats 700 and ties 300: 0.85. AUC' = (700·0.5 + 300·0.85)
        // / 1000 = 0.605, and (0.605 − 1/4) / (1/2) = 0.71.
        ContextualAuc auc = withOldTies();
        ContextualAuc.Batch whole = goldClicks(auc, 600);
        assertThat(whole.changed().get("coat|web")).isCloseTo(0.71, within(1e-9));

        ContextualAuc inPieces = withOldTies();
        Map<String, Double> last = Map.of();
        for (int b = 0; b < 6; b++) {
            ContextualAuc.Batch batch = goldClicks(inPieces, 100);
            last = batch.changed();
            inPieces.commit(batch, last, Set.of());
        }
        assertThat(last.get("coat|web")).isCloseTo(0.71, within(1e-9));
    }
}
