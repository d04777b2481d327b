package io.nbo.evaluation;

import io.nbo.decision.Arbitration;
import io.nbo.decision.DecisionEngine;
import io.nbo.model.Channel;
import io.nbo.rules.RuleSet;
import java.util.ArrayList;
import java.util.List;

/**
 * A rule set as a candidate policy, decided by the real engine (rules, contact policies, arbitration) as
 * {@code nbo simulate} decides, serving nothing: for an event logged in slot {@code k}, each eligible offer with
 * the probability that arbitration puts it at rank {@code k + 1} ({@link Arbitration.Candidate#choiceProbability}):
 * 1 for the engine's k-th offer when it ranks deterministically (the formula, or models with exploration
 * {@code mean}), the Thompson draws' estimate when it samples.
 */
public final class RuleSetPolicy implements CandidatePolicy {

    private final DecisionEngine engine;
    private final RuleSet ruleSet;
    private final Channel fallbackChannel;

    /**
     * @param fallbackChannel the calling channel for events whose request names none (or an unknown one)
     */
    public RuleSetPolicy(DecisionEngine engine, RuleSet ruleSet, Channel fallbackChannel) {
        this.engine = engine;
        this.ruleSet = ruleSet;
        this.fallbackChannel = fallbackChannel;
    }

    @Override
    public List<Choice> choices(LoggedEvent event) {
        Channel calling = event.request().getChannel() == null ? fallbackChannel
                : Channel.fromId(event.request().getChannel()).orElse(fallbackChannel);
        int rank = event.slot() + 1;
        Arbitration.Ranking ranking = engine.decide(ruleSet, event.customer(), event.request(), calling, rank, event.time()).ranking();
        List<Choice> choices = new ArrayList<>();
        for (Arbitration.Candidate c : ranking.eligible()) {
            double p = c.choiceProbability(rank);
            if (p > 0) {
                choices.add(new Choice(c.offerId(), c.best().channel().id(), p));
            }
        }
        return choices;
    }

    public String version() {
        return ruleSet.version();
    }
}
