package io.nbo.evaluation;

import io.nbo.decision.Decision.RankedOffer;
import io.nbo.decision.DecisionEngine;
import io.nbo.model.Channel;
import io.nbo.rules.RuleSet;
import java.util.List;

/**
 * A rule set as a candidate policy, decided by the real engine (rules, contact policies, arbitration) as
 * {@code nbo simulate} decides, serving nothing: for an event logged in slot {@code k} it offers the engine's
 * {@code k}-th offer (the top one when the log names no slot) with probability 1.
 *
 * <p>Arbitration ranks deterministically today. When it gives the probability with which it chose each offer
 * (Thompson sampling), {@link #choices} is where those probabilities replace the 1.
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
        int slot = event.slot();
        List<RankedOffer> offers = engine.decide(ruleSet, event.customer(), event.request(), calling, slot + 1, event.time()).offers();
        if (offers.size() <= slot) {
            return List.of();
        }
        RankedOffer chosen = offers.get(slot);
        return List.of(new Choice(chosen.offerId(), chosen.channel(), 1.0));
    }

    public String version() {
        return ruleSet.version();
    }
}
