package io.nbo.learning;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
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
 * <p>The AUC is reported only when both reservoirs hold {@link #MIN} scores or more, and computed again after
 * {@link #EVERY} new scores. Scores of a batch are kept aside ({@link Batch}) until the batch is applied: a refused
 * batch is read and scored again.
 */
public final class ContextualAuc {

    /** Scores kept per model, of trials and of positives each. */
    static final int KEPT = 1_000;
    /** Scores of each kind a model needs before its AUC is reported. */
    static final int MIN = 30;
    /** New scores a model needs before its AUC is computed again (sorting its reservoirs is its cost). */
    static final int EVERY = 10;
    /** AUCs are published rounded to thousandths, and only when the rounded value changed. */
    private static final double ROUND = 1_000;

    /** One model's recent scores, in rings. */
    private static final class Recent {
        final double[] trials = new double[KEPT];
        /** How many positives had been seen when each trial was added: how π is counted over the trials' span. */
        final long[] positivesBefore = new long[KEPT];
        final double[] positives = new double[KEPT];
        long trialsSeen;
        long positivesSeen;
        /** Scores added since the AUC was last computed. */
        long sinceComputed;
        double published = Double.NaN;

        void add(Pending batch) {
            int p = 0;
            for (int t = 0; t < batch.trials; t++) {
                // the batch's positives that came before this trial, in the order the stream had them
                for (; p < batch.positivesBefore[t]; p++) {
                    positive(batch.positiveScores[p]);
                }
                int at = (int) (trialsSeen % KEPT);
                trials[at] = batch.trialScores[t];
                positivesBefore[at] = positivesSeen;
                trialsSeen++;
            }
            for (; p < batch.positives; p++) {
                positive(batch.positiveScores[p]);
            }
            sinceComputed += batch.trials + batch.positives;
        }

        private void positive(double score) {
            positives[(int) (positivesSeen % KEPT)] = score;
            positivesSeen++;
        }

        /** The last {@code n} of the ring's {@code seen} scores followed by the batch's {@code m}: the newest {@code n}. */
        static double[] newest(double[] ring, long seen, double[] batch, int m, int n) {
            double[] out = new double[n];
            int fromRing = n - Math.min(m, n);
            for (int i = 0; i < fromRing; i++) {
                out[i] = ring[(int) ((seen - fromRing + i) % KEPT)];
            }
            System.arraycopy(batch, m - (n - fromRing), out, fromRing, n - fromRing);
            return out;
        }

        /** The AUC with the batch's scores added (see the class comment), NaN without enough of both. */
        double auc(Pending batch) {
            long allTrials = trialsSeen + batch.trials;
            long allPositives = positivesSeen + batch.positives;
            int t = (int) Math.min(allTrials, KEPT);
            int p = (int) Math.min(allPositives, KEPT);
            if (t < MIN || p < MIN) {
                return Double.NaN;
            }
            long oldest = allTrials - t;
            long oldestMark = oldest < trialsSeen ? positivesBefore[(int) (oldest % KEPT)]
                    : positivesSeen + batch.positivesBefore[(int) (oldest - trialsSeen)];
            double share = (double) (allPositives - oldestMark) / t;
            return corrected(Auc.between(newest(positives, positivesSeen, batch.positiveScores, batch.positives, p),
                    newest(trials, trialsSeen, batch.trialScores, batch.trials, t)), share);
        }
    }

    /** One model's scores in one batch. */
    private static final class Pending {
        double[] trialScores = new double[16];
        /** The batch's positives before each trial. */
        int[] positivesBefore = new int[16];
        double[] positiveScores = new double[16];
        int trials;
        int positives;

        void trial(double score) {
            if (trials == trialScores.length) {
                trialScores = Arrays.copyOf(trialScores, 2 * trials);
                positivesBefore = Arrays.copyOf(positivesBefore, 2 * trials);
            }
            trialScores[trials] = score;
            positivesBefore[trials] = positives;
            trials++;
        }

        void positive(double score) {
            if (positives == positiveScores.length) {
                positiveScores = Arrays.copyOf(positiveScores, 2 * positives);
            }
            positiveScores[positives++] = score;
        }
    }

    /** One batch's scores, kept aside from the reservoirs until the batch is applied. */
    public final class Batch {
        private final Map<String, Pending> touched = new LinkedHashMap<>();
        private final Set<String> computed = new HashSet<>();

        /** A trial of {@code model} (an impression, or a positive reported without one) scored {@code score}. */
        public void trial(String model, double score) {
            touched.computeIfAbsent(model, m -> new Pending()).trial(score);
        }

        /** A positive of {@code model} within the window, scored {@code score}. */
        public void positive(String model, double score) {
            touched.computeIfAbsent(model, m -> new Pending()).positive(score);
        }

        /** model → its AUC with this batch's scores, for the models whose rounded AUC changed (NaN never). */
        public Map<String, Double> changed() {
            Map<String, Double> out = new LinkedHashMap<>();
            touched.forEach((model, batch) -> {
                Recent r = models.get(model);
                if (r == null) {
                    r = new Recent();
                }
                if (r.sinceComputed + batch.trials + batch.positives < EVERY && !Double.isNaN(r.published)) {
                    return;
                }
                double auc = r.auc(batch);
                if (!Double.isNaN(auc)) {
                    computed.add(model);
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
        batch.touched.forEach((model, scores) -> {
            if (fresh.contains(model)) {
                models.remove(model);
                return;
            }
            Recent r = models.computeIfAbsent(model, m -> new Recent());
            r.add(scores);
            if (batch.computed.contains(model)) {
                r.sinceComputed = 0;
            }
            Double auc = published.get(model);
            if (auc != null) {
                r.published = auc;
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
