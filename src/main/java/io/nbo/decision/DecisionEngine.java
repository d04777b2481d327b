package io.nbo.decision;

import io.nbo.decision.Arbitration.Eligible;
import io.nbo.decision.Arbitration.Ranking;
import io.nbo.decision.Decision.Notice;
import io.nbo.decision.Decision.RankedOffer;
import io.nbo.decision.Decision.Suppression;
import io.nbo.model.Channel;
import io.nbo.model.Customer;
import io.nbo.model.Offer;
import io.nbo.model.Request;
import io.nbo.model.Result;
import io.nbo.policy.ChannelPolicy;
import io.nbo.policy.ContactPolicies;
import io.nbo.policy.Suppressed;
import io.nbo.rules.RuleSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pure part of a decision, with no I/O, in the order it happens: the rules decide eligibility,
 * boosts and channel preferences; the policies keep the channels an offer can go on (deliverable,
 * consented, not capped or suppressed as far as the loaded history tells); {@link Arbitration}
 * scores and ranks what is left.
 */
public final class DecisionEngine {

    /**
     * What the engine decided, before the commit checks the caps again and records it.
     *
     * @param ranking  every offer that may be served, in the order to serve them
     * @param suppressed what the rules made eligible and the policies stopped, and why
     */
    public record Outcome(Ranking ranking, List<Suppression> suppressed, Channel preferredChannel, List<String> firedRules,
                          List<Notice> notices) {
        /** Nothing decided (the rules failed). */
        public static Outcome none() {
            return new Outcome(Ranking.EMPTY, List.of(), null, List.of(), List.of());
        }

        /** The best {@code limit} offers, one per group, as the loaded history allows: what a scenario or simulation sees. */
        public List<RankedOffer> offers() {
            return ranking.answer();
        }

        /** The ids of the offers that were eligible and had a channel, best first. */
        public List<String> servable() {
            return ranking.eligible().stream().map(Arbitration.Candidate::offerId).toList();
        }
    }

    /** The time rules may take in one decision unless configured otherwise. */
    public static final Duration DEFAULT_BUDGET = Duration.ofMillis(50);

    private final Arbitration arbitration;
    private final int maxFirings;
    private final Duration budget;

    public DecisionEngine(double priorClicks, double priorTrials, int maxFirings) {
        this(priorClicks, priorTrials, maxFirings, DEFAULT_BUDGET);
    }

    /**
     * @param maxFirings rule firings allowed in one decision
     * @param budget     time allowed for the rules in one decision, their conditions included
     */
    public DecisionEngine(double priorClicks, double priorTrials, int maxFirings, Duration budget) {
        this(new Arbitration(new EngagementPropensity(priorClicks, priorTrials)), maxFirings, budget);
    }

    public DecisionEngine(Arbitration arbitration, int maxFirings, Duration budget) {
        this.arbitration = arbitration;
        this.maxFirings = maxFirings;
        this.budget = budget;
    }

    public Duration budget() {
        return budget;
    }

    /** A decision without a journey and without the fallback offer, as scenarios and simulations make it. */
    public Outcome decide(RuleSet ruleSet, Customer customer, Request request, Channel calling, int limit, Instant now) {
        return decide(ruleSet, customer, request, calling, limit, now, null, false);
    }

    /**
     * @param journeyOffer  the top offer of the customer's current journey, or null
     * @param withFallback  rank the catalog's fallback offer last, to be served when nothing else is
     */
    public Outcome decide(RuleSet ruleSet, Customer customer, Request request, Channel calling, int limit, Instant now,
                          String journeyOffer, boolean withFallback) {
        // 1. Rules: eligibility, boosts, channel preferences.
        RuleSet.Evaluation evaluation = ruleSet.evaluate(customer, request, now, maxFirings, budget);
        Result result = evaluation.result();
        List<Notice> notices = new ArrayList<>();
        if (evaluation.firingLimitReached()) {
            notices.add(new Notice(Reason.RULE_FIRING_LIMIT, "rules stopped after " + maxFirings + " firings; the answer may be incomplete"));
        }
        if (evaluation.timeBudgetExceeded()) {
            notices.add(new Notice(Reason.RULE_TIME_BUDGET, "rules stopped after their " + budget.toMillis() + " ms budget; the answer may be incomplete"));
        }
        if (evaluation.sessionChanged()) {
            notices.add(new Notice(Reason.SESSION_DISCARDED, "a rule deleted, replaced or inserted a fact the rules keep between decisions; "
                    + "their session was discarded and the answer may be incomplete"));
        }

        // 2. Policies: the channels each offer may still go on.
        ContactPolicies policies = ruleSet.policies();
        List<Eligible> eligible = new ArrayList<>();
        List<Suppression> suppressed = new ArrayList<>();
        for (Map.Entry<String, Result.Verdict> entry : result.verdicts().entrySet()) {
            Result.Verdict verdict = entry.getValue();
            Offer offer = ruleSet.catalog().find(entry.getKey()).filter(o -> o.isValidAt(now)).orElse(null);
            if (offer == null || !verdict.isEligible()) {
                if (offer != null && verdict.exclusion() != null && verdict.wasMadeEligible()) {
                    suppressed.add(new Suppression(offer.getId(), Suppressed.EXCLUDED, sentence(verdict.exclusion()), null));
                }
                continue;
            }
            ChannelPolicy.Permitted permitted = ChannelPolicy.permitted(offer, customer, calling);
            if (permitted.isEmpty()) {
                suppressed.add(new Suppression(offer.getId(), permitted.code(), permitted.message(), null));
                continue;
            }
            ContactPolicies.Violation responded = policies.suppression(offer, customer.history(), now);
            if (responded != null) {
                suppressed.add(new Suppression(offer.getId(), responded.code(), responded.message(), responded.policy()));
                continue;
            }
            List<Channel> open = new ArrayList<>();
            ContactPolicies.Violation firstCap = null;
            for (Channel c : permitted.channels()) {
                ContactPolicies.Violation cap = policies.capped(offer, c, customer.history(), now);
                if (cap == null) {
                    open.add(c);
                } else if (firstCap == null) {
                    firstCap = cap;
                }
            }
            if (open.isEmpty()) {
                suppressed.add(new Suppression(offer.getId(), firstCap.code(), firstCap.message(), firstCap.policy()));
                continue;
            }
            eligible.add(new Eligible(offer, verdict, open));
        }
        Eligible fallback = withFallback ? fallback(ruleSet, customer, calling, now, suppressed) : null;

        // 3. Arbitration: score, rank, the journey's offer first, the fallback last.
        Ranking ranking = arbitration.rank(eligible, customer, request, ruleSet.models(), result, calling, journeyOffer, fallback, limit);
        return new Outcome(ranking, suppressed, arbitration.preferredChannel(customer, result, calling), evaluation.firedRules(), notices);
    }

    /** The fallback offer alone, for a decision whose rules failed: what a page shows when nothing else can be. */
    public Outcome fallbackOnly(RuleSet ruleSet, Customer customer, Request request, Channel calling, Instant now) {
        return new Outcome(arbitration.fallbackOnly(customer, request, ruleSet.models(), fallback(ruleSet, customer, calling, now, List.of())),
                List.of(), null,
                List.of(), List.of());
    }

    /**
     * The catalog's first fallback offer ({@code fallback: true}) valid now that the calling channel
     * can deliver to this customer, on the calling channel if it can take it; or null. A fallback that
     * a contact policy already stopped in this decision is not tried (it is listed once, as suppressed).
     * It needs no rule, and is served when nothing else can be: through the contact policies when they
     * can be checked, and without them when Redis is down.
     */
    private static Eligible fallback(RuleSet ruleSet, Customer customer, Channel calling, Instant now, List<Suppression> suppressed) {
        for (Offer offer : ruleSet.catalog().validAt(now)) {
            if (!offer.isFallback()) {
                continue;
            }
            ChannelPolicy.Permitted permitted = ChannelPolicy.permitted(offer, customer, calling);
            if (permitted.isEmpty()) {
                continue;
            }
            if (suppressed.stream().anyMatch(s -> s.offerId().equals(offer.getId()) && s.policy() != null)) {
                return null;
            }
            Channel channel = permitted.channels().contains(calling) ? calling : permitted.channels().get(0);
            return new Eligible(offer, null, List.of(channel));
        }
        return null;
    }

    private static String sentence(Result.Reason reason) {
        return reason.text() == null || reason.text().isBlank() ? reason.rule() : reason.text() + " (" + reason.rule() + ")";
    }
}
