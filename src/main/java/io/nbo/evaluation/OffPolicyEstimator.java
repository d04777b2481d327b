package io.nbo.evaluation;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * Estimates a candidate policy's mean reward from events a logging policy chose, one event at a time
 * (sums only, so a log of any length fits). The point estimates are those of Open Bandit Pipeline's
 * {@code obp/ope/estimators.py} (which makes its intervals by bootstrap; these are normal approximations):
 *
 * <ul>
 * <li><b>replay</b> (Li, Chu, Langford, Wang, WSDM 2011): the mean reward of the events whose logged action is the
 *     candidate's choice; unbiased when the log chose uniformly at random; normal interval on those rewards;</li>
 * <li><b>IPW</b>: the mean of {@code r·w}, {@code w = π(a|x)/p}; normal interval on those per-event terms;</li>
 * <li><b>self-normalised IPW</b>: {@code Σ r·w / Σ w}; delta-method interval, standard error
 *     {@code sqrt(Σ w²(r − V)²) / Σ w};</li>
 * <li>the effective sample size {@code (Σ w)² / Σ w²}, the mean weight (about 1 when π and p fit), and the logged
 *     policy's own mean reward for comparison.</li>
 * </ul>
 *
 * Events whose logging probability is unknown count for replay and the logged mean, not for IPW. Not thread-safe.
 */
public final class OffPolicyEstimator {

    /** The two-sided 95 % normal quantile, 1.96. */
    static final double Z95 = NormalDistribution.of(0, 1).inverseCumulativeProbability(0.975);

    /** Below this effective sample size the IPW figures are flagged as unreliable. */
    static final double LOW_ESS = 100;

    private final Sums logged = new Sums();
    private final Sums replay = new Sums();
    private final Sums ipwTerms = new Sums();
    private double sumW;
    private double sumW2;
    private double sumW2R;
    private double sumW2R2;
    private double sumWR;
    private long events;
    private long unknownProbability;
    private double minProbability = Double.POSITIVE_INFINITY;
    private double maxProbability = Double.NEGATIVE_INFINITY;

    /**
     * One logged event.
     *
     * @param reward      what the logged action earned
     * @param probability the logging policy's probability of the logged action, in (0, 1], or NaN when unknown
     * @param target      the candidate's probability of the logged action, π(a|x), in [0, 1]
     * @param chosen      whether the logged action is the candidate's choice (replay)
     */
    public void add(double reward, double probability, double target, boolean chosen) {
        events++;
        logged.add(reward);
        if (chosen) {
            replay.add(reward);
        }
        if (Double.isNaN(probability)) {
            unknownProbability++;
            return;
        }
        if (!(probability > 0 && probability <= 1)) {
            throw new IllegalArgumentException("a logging probability must be in (0, 1], got " + probability);
        }
        minProbability = Math.min(minProbability, probability);
        maxProbability = Math.max(maxProbability, probability);
        double w = target / probability;
        ipwTerms.add(reward * w);
        sumW += w;
        sumW2 += w * w;
        sumWR += w * reward;
        sumW2R += w * w * reward;
        sumW2R2 += w * w * reward * reward;
    }

    /** The estimates so far. */
    public Report report() {
        long weighted = ipwTerms.n;
        double snipw = sumW > 0 ? sumWR / sumW : Double.NaN;
        Estimate snipwEstimate;
        if (sumW > 0 && weighted >= 2) {
            // Σ w²(r − V)², expanded so it can be summed in one pass
            double squares = Math.max(0, sumW2R2 - 2 * snipw * sumW2R + snipw * snipw * sumW2);
            double se = Math.sqrt(squares) / sumW;
            snipwEstimate = new Estimate("snipw", weighted, snipw, snipw - Z95 * se, snipw + Z95 * se, "delta method, normal 95 %");
        } else {
            snipwEstimate = new Estimate("snipw", weighted, snipw, Double.NaN, Double.NaN, "delta method, normal 95 %");
        }
        double ess = sumW2 > 0 ? sumW * sumW / sumW2 : 0;
        double meanWeight = weighted > 0 ? sumW / weighted : Double.NaN;
        List<String> warnings = new ArrayList<>();
        if (unknownProbability > 0) {
            warnings.add(unknownProbability + " of " + events + " events have no logging probability: left out of IPW and SNIPW");
        }
        if (weighted > 0 && ess < LOW_ESS) {
            warnings.add(String.format(java.util.Locale.ROOT, "effective sample size %.1f is below %.0f: the IPW figures rest on few events", ess, LOW_ESS));
        }
        if (weighted > 0 && maxProbability - minProbability > 1e-9) {
            warnings.add("logging probabilities vary (" + compact(minProbability) + " to " + compact(maxProbability)
                    + "): replay assumes a uniformly random log and may be biased");
        }
        if (replay.n == 0 && events > 0) {
            warnings.add("the candidate never chose the logged action: replay has no events");
        }
        return new Report(events, unknownProbability, logged.estimate("logged", "normal 95 % on the rewards"),
                replay.estimate("replay", "normal 95 % on the kept rewards"),
                ipwTerms.estimate("ipw", "normal 95 % on the per-event terms r·w"), snipwEstimate, ess, meanWeight, List.copyOf(warnings));
    }

    /** Six significant digits, no trailing zeros. */
    private static String compact(double x) {
        return new java.math.BigDecimal(x).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }

    /**
     * Every estimate, from one log.
     *
     * @param events             events read
     * @param unknownProbability events without a logging probability (not in IPW and SNIPW)
     * @param logged             the logging policy's own mean reward
     * @param effectiveSampleSize (Σw)²/Σw² over the weighted events
     * @param meanWeight         Σw / n over the weighted events
     */
    public record Report(long events, long unknownProbability, Estimate logged, Estimate replay, Estimate ipw, Estimate snipw,
                         double effectiveSampleSize, double meanWeight, List<String> warnings) {
    }

    /** Count, sum and sum of squares of some values, for a mean and its normal interval. */
    private static final class Sums {
        long n;
        double sum;
        double sumSquares;

        void add(double x) {
            n++;
            sum += x;
            sumSquares += x * x;
        }

        Estimate estimate(String method, String interval) {
            if (n == 0) {
                return new Estimate(method, 0, Double.NaN, Double.NaN, Double.NaN, interval);
            }
            double mean = sum / n;
            if (n < 2) {
                return new Estimate(method, n, mean, Double.NaN, Double.NaN, interval);
            }
            // sample variance (n − 1)
            double variance = Math.max(0, (sumSquares - n * mean * mean) / (n - 1));
            double se = Math.sqrt(variance / n);
            return new Estimate(method, n, mean, mean - Z95 * se, mean + Z95 * se, interval);
        }
    }
}
