package io.nbo.learning;

import io.nbo.model.Channel;
import java.util.Map;

/**
 * The learned models as decisions read them: an immutable snapshot in memory, replaced whole when the
 * store applies new increments, so a decision reads it without a lock and without Redis.
 *
 * @param byOffer offer id → its model on each channel, indexed by {@link Channel#ordinal()} (null: none yet)
 */
public record Models(Map<String, Model[]> byOffer) {

    /** Nothing learned. */
    public static final Models EMPTY = new Models(Map.of());

    /**
     * One offer on one channel.
     *
     * @param trials     impressions learned from
     * @param positives  of which followed by a positive response within the window
     * @param contextual the response rate given the declared predictors' values, or null when no predictor is declared
     * @param updatedAt  when its last increment was applied (ms), 0 for never
     * @param auc        the AUC of its contextual table on recent responses ({@link ContextualAuc}), NaN until known
     */
    public record Model(String offerId, Channel channel, long trials, long positives, NaiveBayes contextual, long updatedAt, double auc) {

        /** A model whose AUC is not known. */
        public Model(String offerId, Channel channel, long trials, long positives, NaiveBayes contextual, long updatedAt) {
            this(offerId, channel, trials, positives, contextual, updatedAt, Double.NaN);
        }

        /** positives / trials, or NaN with no trials. */
        public double successRate() {
            return trials == 0 ? Double.NaN : (double) positives / trials;
        }
    }

    /** The model of an offer on a channel, or null when nothing was learned of it. */
    public Model get(String offerId, Channel channel) {
        Model[] models = byOffer.get(offerId);
        return models == null ? null : models[channel.ordinal()];
    }
}
