package io.nbo.decision;

import io.nbo.learning.ModelSpec;
import io.nbo.model.Channel;
import io.nbo.model.Customer;
import io.nbo.model.Offer;
import io.nbo.model.Request;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ChengBetaSampler;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.apache.commons.rng.sampling.distribution.NormalizedGaussianSampler;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;

/**
 * The chance that this customer responds to this offer on this channel: the first factor of an
 * offer's score. Arbitration asks nothing else of it, so a learned model ({@link LearnedPropensity})
 * takes the place of today's engagement formula ({@link EngagementPropensity}) without touching the rest.
 */
@FunctionalInterface
public interface Propensity {

    /**
     * The propensities of one decision: what they read of the customer and the request is read once.
     *
     * @param spec the rule set's learning settings: declared predictors, exploration per placement
     */
    Scorer scorer(Customer customer, Request request, ModelSpec spec);

    /** The propensity of each candidate offer on each channel, within one decision. */
    @FunctionalInterface
    interface Scorer {
        Estimate of(Offer offer, Channel channel);

        /** The declared predictors' values it read, encoded for the decision record ({@code Predictors.encode}); empty for none. */
        default String features() {
            return "";
        }
    }

    /**
     * A propensity and where it came from.
     *
     * @param used          the value the score uses: the mean, or a Thompson draw from the posterior
     * @param mean          the model's estimate for this customer (posterior mean)
     * @param concentration a + b of the Beta posterior the draws come from; 0 when the value is fixed (no exploration)
     * @param model         {@code engagement} (the formula) or {@code adaptive} (learned per offer and channel)
     * @param impressions   the evidence the model learned from
     * @param positives     of which positive
     */
    record Estimate(double used, double mean, double concentration, String model, long impressions, long positives) {

        /** Whether the value is a draw: the answer may differ next time, with the probabilities arbitration records. */
        public boolean sampled() {
            return concentration > 0;
        }

        /**
         * Draws from the same posterior: Beta(mean·concentration, (1 − mean)·concentration); the used value when not
         * sampled. With 30 or more on both sides the Beta is close to a normal of the same mean and variance, which
         * is several times cheaper to draw: the choice probabilities take a hundred draws per candidate.
         */
        public ContinuousSampler sampler(UniformRandomProvider rng) {
            if (!sampled()) {
                return () -> used;
            }
            double a = mean * concentration;
            double b = (1 - mean) * concentration;
            if (a >= 30 && b >= 30) {
                double sd = Math.sqrt(mean * (1 - mean) / (concentration + 1));
                NormalizedGaussianSampler gaussian = ZigguratSampler.NormalizedGaussian.of(rng);
                return () -> Math.min(1, Math.max(0, mean + sd * gaussian.sample()));
            }
            return ChengBetaSampler.of(rng, Math.max(a, 1e-9), Math.max(b, 1e-9));
        }
    }
}
