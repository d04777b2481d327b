package io.nbo.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AucTest {

    @Test
    void countsWinningPairs() {
        // positives 0.35 and 0.8 against negatives 0.1 and 0.4: 0.35 beats 0.1 only, 0.8 beats both: 3 of 4 pairs
        assertThat(Auc.of(new double[] {0.1, 0.4, 0.35, 0.8}, new boolean[] {false, false, true, true})).isEqualTo(0.75);
    }

    @Test
    void tiesCountHalf() {
        // positive 0.5 ties the negative 0.5 (half) and beats 0.2; positive 0.9 beats both: 3.5 of 4
        assertThat(Auc.of(new double[] {0.5, 0.5, 0.2, 0.9}, new boolean[] {true, false, false, true})).isEqualTo(0.875);
        assertThat(Auc.of(new double[] {1, 1, 1}, new boolean[] {true, false, false})).isEqualTo(0.5);
    }

    @Test
    void perfectAndReversedRankings() {
        assertThat(Auc.of(new double[] {1, 2, 3, 4}, new boolean[] {false, false, true, true})).isEqualTo(1.0);
        assertThat(Auc.of(new double[] {4, 3, 2, 1}, new boolean[] {false, false, true, true})).isEqualTo(0.0);
    }

    @Test
    void withoutBothLabelsThereIsNoAuc() {
        assertThat(Auc.of(new double[] {1, 2}, new boolean[] {true, true})).isNaN();
        assertThat(Auc.of(new double[0], new boolean[0])).isNaN();
    }

    @Test
    void withinBlocksComparesOnlyPairsOfTheSameBlock() {
        // Block 0 ranks perfectly (1 pair), block 1 reversed (2 pairs); across blocks every positive beats every
        // negative, which the overall AUC counts and the within-block one must not.
        double[] scores = {0.1, 0.2, 0.9, 0.8, 0.7};
        boolean[] labels = {false, true, false, false, true};
        int[] blocks = {0, 0, 1, 1, 1};
        assertThat(Auc.within(scores, labels, blocks)).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(Auc.of(scores, labels)).isCloseTo(2.0 / 6, within(1e-12));
    }

    @Test
    void blocksWithOneLabelOnlyAddNoPairs() {
        double[] scores = {0.1, 0.2, 0.5, 0.6};
        boolean[] labels = {false, true, true, true};
        assertThat(Auc.within(scores, labels, new int[] {0, 0, 1, 1})).isEqualTo(1.0);
    }

    @Test
    void betweenTwoSetsCountsTheSamePairsAsTheLabelledForm() {
        // positive 0.5 ties the negative 0.5 (half) and beats 0.2; positive 0.9 beats both: 3.5 of 4
        assertThat(Auc.between(new double[] {0.9, 0.5}, new double[] {0.5, 0.2})).isEqualTo(0.875);
        assertThat(Auc.between(new double[] {1}, new double[0])).isNaN();
        // many ties (scores in 0..4) at random: the primitive form agrees with the labelled one pair for pair
        java.util.Random random = new java.util.Random(7);
        for (int round = 0; round < 20; round++) {
            int np = 1 + random.nextInt(40);
            int nn = 1 + random.nextInt(40);
            double[] positives = new double[np];
            double[] negatives = new double[nn];
            double[] scores = new double[np + nn];
            boolean[] labels = new boolean[np + nn];
            for (int i = 0; i < np + nn; i++) {
                scores[i] = random.nextInt(5);
                labels[i] = i < np;
                if (i < np) {
                    positives[i] = scores[i];
                } else {
                    negatives[i - np] = scores[i];
                }
            }
            assertThat(Auc.between(positives, negatives)).isCloseTo(Auc.of(scores, labels), within(1e-12));
        }
    }
}
