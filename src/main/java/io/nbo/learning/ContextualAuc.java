package io.nbo.learning;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How well each model's contextual table ranks recent responses, measured prequentially on the learning replica:
 * every trial and every positive the learner reads is scored ({@link NaiveBayes#shift}) with the table the replica
 * holds before the entry is learned, so a table is never judged on evidence it was built from.
 *
 * <p>Per model it keeps the last {@link #KEPT} trials' scores and the last {@link #KEPT} positives' scores. Whether a
 * trial will turn out positive is not known when it is learned (the positive comes later, or never), so the
 * reservoirs compare positives with <em>impressions</em>, and the impressions include the positives. With {@code P}
 * a positive's score, {@code N} a negative's, {@code T} a trial's, and π the positives' share among trials, a trial is
 * a positive with probability π and a negative otherwise, so (ties counting half)
 * <pre>
 *   AUC' = P(P &gt; T) = π·P(P &gt; P') + (1 − π)·P(P &gt; N) = π/2 + (1 − π)·AUC
 * </pre>
 * because two positives' scores are exchangeable (a positive beats another as often as it loses, ties half: ½).
 * Hence {@code AUC = (AUC' − π/2) / (1 − π)} ({@link #corrected}), clamped to [0, 1]. π is taken over the span of
 * the trials' reservoir: the positives learned since its oldest trial, over the trials it holds.
 *
 * <p>The AUC is reported only when both reservoirs hold {@link #MIN} scores or more. Scores of a batch are kept
 * aside ({@link Batch}) until the batch is applied: a refused batch is read and scored again.
 */
public final class ContextualAuc {

    /** Scores kept per model, of trials and of positives each. */
    static final int KEPT = 1_000;
    /** Scores of each kind a model needs before its AUC is reported. */
    static final int MIN = 30;
    /** AUCs are published rounded to this many decimals, and only when the rounded value changed. */
    private static final double ROUND = 1_000;

    /** One model's recent scores. */
    private static final class Recent {
        final double[] trials;
        /** How many positives had been seen when each trial was added: how π is counted over the trials' span. */
        final long[] positivesBefore;
        final double[] positives;
        long trialsSeen;
        long positivesSeen;
        double published = Double.NaN;

        Recent() {
            this(new double[KEPT], new long[KEPT], new double[KEPT]);
        }

        private Recent(double[] trials, long[] positivesBefore, double[] positives) {
            this.trials = trials;
            this.positivesBefore = positivesBefore;
            this.positives = positives;
        }

        Recent copy() {
            Recent c = new Recent(trials.clone(), positivesBefore.clone(), positives.clone());
            c.trialsSeen = trialsSeen;
            c.positivesSeen = positivesSeen;
            c.published = published;
            return c;
        }

        void trial(double score) {
            int at = (int) (trialsSeen % KEPT);
            trials[at] = score;
            positivesBefore[at] = positivesSeen;
            trialsSeen++;
        }

        void positive(double score) {
            positives[(int) (positivesSeen % KEPT)] = score;
            positivesSeen++;
        }

        double auc() {
            int t = (int) Math.min(trialsSeen, KEPT);
            int p = (int) Math.min(positivesSeen, KEPT);
            if (t < MIN || p < MIN) {
                return Double.NaN;
            }
            long oldestMark = positivesBefore[trialsSeen > KEPT ? (int) (trialsSeen % KEPT) : 0];
            double share = (double) (positivesSeen - oldestMark) / t;
            return corrected(Auc.between(Arrays.copyOf(positives, p), Arrays.copyOf(trials, t)), share);
        }
    }

    /** One batch's scores, on copies of the touched models' reservoirs. */
    public final class Batch {
        private final Map<String, Recent> touched = new LinkedHashMap<>();

        private Recent of(String model) {
            return touched.computeIfAbsent(model, m -> {
                Recent r = models.get(m);
                return r == null ? new Recent() : r.copy();
            });
        }

        /** A trial of {@code model} (an impression, or a positive reported without one) scored {@code score}. */
        public void trial(String model, double score) {
            of(model).trial(score);
        }

        /** A positive of {@code model} within the window, scored {@code score}. */
        public void positive(String model, double score) {
            of(model).positive(score);
        }

        /** model → its AUC after this batch, for the models whose rounded AUC changed (NaN never). */
        public Map<String, Double> changed() {
            Map<String, Double> out = new LinkedHashMap<>();
            touched.forEach((model, r) -> {
                double auc = r.auc();
                if (!Double.isNaN(auc)) {
                    double rounded = Math.round(auc * ROUND) / ROUND;
                    if (Double.compare(rounded, r.published) != 0) {
                        out.put(model, rounded);
                    }
                }
            });
            return out;
        }
    }

    private final Map<String, Recent> models = new HashMap<>();

    /** A batch that starts from the reservoirs as they are. */
    public Batch batch() {
        return new Batch();
    }

    /**
     * Keeps a batch that was applied, with the AUCs it published; a model in {@code fresh} had nothing in the models
     * before the batch (new, or reset since): its older scores are the old model's, and are dropped with this batch's.
     */
    public void commit(Batch batch, Map<String, Double> published, Set<String> fresh) {
        batch.touched.forEach((model, r) -> {
            if (fresh.contains(model)) {
                models.remove(model);
            } else {
                Double auc = published.get(model);
                if (auc != null) {
                    r.published = auc;
                }
                models.put(model, r);
            }
        });
    }

    /** Forgets every model's scores (a rebuild, or the lease lost: another replica learned meanwhile). */
    public void clear() {
        models.clear();
    }

    /**
     * The AUC of positives against negatives from {@code againstTrials}, the AUC of positives against trials that
     * include positives in share {@code positiveShare}: (AUC' − π/2) / (1 − π), clamped to [0, 1]; NaN when
     * either is NaN or every trial was a positive.
     */
    public static double corrected(double againstTrials, double positiveShare) {
        if (Double.isNaN(againstTrials) || Double.isNaN(positiveShare) || positiveShare >= 1) {
            return Double.NaN;
        }
        double share = Math.max(0, positiveShare);
        return Math.max(0, Math.min(1, (againstTrials - share / 2) / (1 - share)));
    }
}
