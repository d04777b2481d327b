package io.nbo.learning;

import java.util.Arrays;

/**
 * The area under the ROC curve of scores against labels, as the Mann-Whitney statistic: the share of
 * (positive, negative) pairs in which the positive scores higher, ties counting half. O(n log n).
 */
public final class Auc {

    private Auc() {
    }

    /** The AUC over all pairs; NaN when there are no positives or no negatives. */
    public static double of(double[] scores, boolean[] labels) {
        return within(scores, labels, new int[scores.length]);
    }

    /**
     * The AUC of {@code positives}' scores against {@code negatives}' (the arrays are sorted in place): the same
     * statistic as {@link #of}, on primitive arrays, for the learner's every batch. NaN when either is empty.
     */
    public static double between(double[] positives, double[] negatives) {
        if (positives.length == 0 || negatives.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(positives);
        Arrays.sort(negatives);
        double concordant = 0;
        int below = 0;
        int upTo = 0;
        for (double score : positives) {
            while (below < negatives.length && negatives[below] < score) {
                below++;
            }
            upTo = Math.max(upTo, below);
            while (upTo < negatives.length && negatives[upTo] <= score) {
                upTo++;
            }
            concordant += below + (upTo - below) / 2.0;
        }
        return concordant / ((double) positives.length * negatives.length);
    }

    /**
     * The AUC over the pairs in the same block only (a positive of block 3 is compared with the negatives of block 3):
     * how well scores rank within a period when the rate drifts between periods. NaN when no block holds a pair.
     */
    public static double within(double[] scores, boolean[] labels, int[] blocks) {
        int n = scores.length;
        if (labels.length != n || blocks.length != n) {
            throw new IllegalArgumentException("scores, labels and blocks differ in length: " + n + ", " + labels.length + ", " + blocks.length);
        }
        // Sorted by block, then score: one pass counts each block's concordant pairs.
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> blocks[a] != blocks[b] ? Integer.compare(blocks[a], blocks[b]) : Double.compare(scores[a], scores[b]));
        double concordant = 0;
        double pairs = 0;
        int i = 0;
        while (i < n) {
            int block = blocks[order[i]];
            long negativesBelow = 0;
            long positives = 0;
            long negatives = 0;
            while (i < n && blocks[order[i]] == block) {
                double score = scores[order[i]];
                long tiedPositives = 0;
                long tiedNegatives = 0;
                while (i < n && blocks[order[i]] == block && Double.compare(scores[order[i]], score) == 0) {
                    if (labels[order[i]]) {
                        tiedPositives++;
                    } else {
                        tiedNegatives++;
                    }
                    i++;
                }
                concordant += tiedPositives * (negativesBelow + tiedNegatives / 2.0);
                negativesBelow += tiedNegatives;
                positives += tiedPositives;
                negatives += tiedNegatives;
            }
            pairs += (double) positives * negatives;
        }
        return pairs == 0 ? Double.NaN : concordant / pairs;
    }
}
