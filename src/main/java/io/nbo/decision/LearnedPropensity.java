package io.nbo.decision;

import io.nbo.learning.ModelSpec;
import io.nbo.learning.Models;
import io.nbo.learning.Predictors;
import io.nbo.model.Channel;
import io.nbo.model.Customer;
import io.nbo.model.Offer;
import io.nbo.model.Request;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ChengBetaSampler;
import org.apache.commons.rng.simple.RandomSource;
import org.apache.commons.rng.simple.ThreadLocalRandomSource;

/**
 * The propensity learned per offer and channel: a Beta-Bernoulli model whose prior is today's formula.
 * With n impressions and k positives learned and the formula's p0 for the customer on the channel, the
 * estimate is (k + m·p0) / (n + m), m the prior's strength: with no evidence it is the formula exactly, and
 * the evidence takes over as it grows. The contextual model (naive Bayes over the declared predictors) then
 * moves that estimate's log-odds by what this customer's predictor values say ({@code NaiveBayes.shift}):
 * nothing until a predictor has enough evidence to separate positives, so a few early failures never look
 * like successes. A placement that explores uses a Thompson draw from Beta(estimate·(n + m),
 * (1 − estimate)·(n + m)) instead, so an offer with little evidence is sometimes ranked high and gets
 * tried, and one that keeps losing fades. Reads models from memory only.
 */
public final class LearnedPropensity implements Propensity {

    /** The model name answers show. */
    public static final String MODEL = "adaptive";

    private final Supplier<Models> models;
    private final EngagementPropensity prior;
    private final double strength;

    /**
     * @param models   the current snapshot, read once per decision
     * @param prior    the formula every model starts from
     * @param strength m: how many impressions the prior counts as
     */
    public LearnedPropensity(Supplier<Models> models, EngagementPropensity prior, double strength) {
        this.models = models;
        this.prior = prior;
        this.strength = strength;
    }

    @Override
    public Scorer scorer(Customer customer, Request request, ModelSpec spec) {
        Models snapshot = models.get();
        boolean sample = spec.exploration(request.getPlacement()) == ModelSpec.Exploration.SAMPLE;
        Map<String, String> x = Predictors.read(spec, customer, request);
        UniformRandomProvider rng = sample ? ThreadLocalRandomSource.current(RandomSource.XO_RO_SHI_RO_128_PP) : null;
        String features = Predictors.encode(x);
        return new Scorer() {
            @Override
            public Estimate of(Offer offer, Channel channel) {
                double p0 = prior.onChannel(customer, channel);
                Models.Model model = snapshot.get(offer.getId(), channel);
                long n = model == null ? 0 : model.trials();
                long k = model == null ? 0 : Math.min(model.positives(), n);
                double mean = (k + strength * p0) / (n + strength);
                if (model != null && model.contextual() != null && !x.isEmpty()) {
                    double shift = model.contextual().shift(x);
                    if (shift != 0) {
                        mean = 1 / (1 + Math.exp(-(Math.log(mean / (1 - mean)) + shift)));
                    }
                }
                mean = clamp(mean);
                if (!sample) {
                    return new Estimate(mean, mean, 0, MODEL, n, k);
                }
                double concentration = n + strength;
                double draw = ChengBetaSampler.of(rng, mean * concentration, (1 - mean) * concentration).sample();
                return new Estimate(draw, mean, concentration, MODEL, n, k);
            }

            @Override
            public String features() {
                return features;
            }
        };
    }

    private static double clamp(double p) {
        return Math.min(Math.max(p, 1e-6), 1 - 1e-6);
    }
}
