package io.nbo.evaluation;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Runs a log through a candidate policy: asks it for π(·|x) of each event and feeds the
 * {@link OffPolicyEstimator}. Replay draws the candidate's choice from π with a seeded generator, so a run is
 * repeatable. Not thread-safe.
 */
public final class Evaluation {

    private final CandidatePolicy policy;
    private final OffPolicyEstimator estimator = new OffPolicyEstimator();
    private final SplittableRandom random;
    private long notSummingToOne;

    public Evaluation(CandidatePolicy policy, long seed) {
        this.policy = policy;
        this.random = new SplittableRandom(seed);
    }

    /** One logged event. */
    public void add(LoggedEvent event) {
        List<CandidatePolicy.Choice> choices = policy.choices(event);
        double total = 0;
        for (CandidatePolicy.Choice c : choices) {
            total += c.probability();
        }
        if (!choices.isEmpty() && Math.abs(total - 1) > 1e-6) {
            notSummingToOne++;
        }
        estimator.add(event.reward(), event.probability(), CandidatePolicy.probabilityOf(choices, event),
                CandidatePolicy.isChoice(choices, event, random.nextDouble()));
    }

    /** The estimates so far, with a warning when the policy's probabilities did not sum to 1. */
    public OffPolicyEstimator.Report report() {
        OffPolicyEstimator.Report r = estimator.report();
        if (notSummingToOne == 0) {
            return r;
        }
        List<String> warnings = new java.util.ArrayList<>(r.warnings());
        warnings.add(notSummingToOne + " events got candidate probabilities that do not sum to 1");
        return new OffPolicyEstimator.Report(r.events(), r.unknownProbability(), r.logged(), r.replay(), r.ipw(), r.snipw(),
                r.effectiveSampleSize(), r.meanWeight(), List.copyOf(warnings));
    }
}
