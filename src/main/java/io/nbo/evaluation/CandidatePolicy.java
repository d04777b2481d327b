package io.nbo.evaluation;

import java.util.List;

/**
 * The policy under evaluation: for a logged context, the probability it would give each action. A deterministic policy
 * gives its one choice probability 1; a stochastic one (Thompson sampling) spreads it. The choices sum to 1, or
 * are empty when the policy would serve nothing (then every logged action has probability 0).
 */
public interface CandidatePolicy {

    /** One action and the probability the candidate takes it. */
    record Choice(String offerId, String channel, double probability) {
    }

    /** π(·|x) for the event's context (and its slot, when the log names one). */
    List<Choice> choices(LoggedEvent event);

    /** π(a|x) of the logged action: the probability of the choices naming its offer (and its channel, when logged). */
    static double probabilityOf(List<Choice> choices, LoggedEvent event) {
        double p = 0;
        for (Choice c : choices) {
            if (c.offerId().equals(event.action()) && (event.channel() == null || event.channel().equals(c.channel()))) {
                p += c.probability();
            }
        }
        return Math.min(1, p);
    }

    /**
     * Whether the logged action is the candidate's choice, for replay: the choice drawn with {@code u} (uniform in [0, 1))
     * from π, so a deterministic policy's only one, and a stochastic policy's as it would serve (Li et al. 2011).
     */
    static boolean isChoice(List<Choice> choices, LoggedEvent event, double u) {
        Choice drawn = null;
        double cumulative = 0;
        for (Choice c : choices) {
            cumulative += c.probability();
            drawn = c;
            if (u < cumulative) {
                break;
            }
        }
        return drawn != null && drawn.probability() > 0 && drawn.offerId().equals(event.action())
                && (event.channel() == null || event.channel().equals(drawn.channel()));
    }
}
