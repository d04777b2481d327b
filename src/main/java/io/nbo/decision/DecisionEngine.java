package io.nbo.decision;

import io.nbo.decision.Decision.Notice;
import io.nbo.decision.Decision.RankedOffer;
import io.nbo.decision.Decision.ScoreParts;
import io.nbo.decision.Decision.Suppression;
import io.nbo.model.Channel;
import io.nbo.model.Customer;
import io.nbo.model.Offer;
import io.nbo.model.Request;
import io.nbo.model.Result;
import io.nbo.policy.ChannelPolicy;
import io.nbo.policy.ContactPolicies;
import io.nbo.rules.RuleSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pure part of a decision, with no I/O: run the rules, keep the offers a channel can carry and
 * the contact policies allow (as far as the loaded history tells), score them (propensity × value ×
 * weight × context boost), and rank them, one per group.
 */
public final class DecisionEngine {

    /**
     * What the engine decided, before it is dressed as a response.
     *
     * @param offers     the best {@code limit} offers, one per group, as the loaded history allows
     * @param candidates every offer that may be served, best first (the journey's offer first), for
     *                   the commit that checks the caps again atomically and picks the final offers
     * @param servable   the offers that were eligible and had a channel, before ranking (best first)
     * @param otherChannels per candidate offer id, the same offer on its other open channels, next best first: where
     *                   the commit moves it when an earlier offer of the same decision used up its channel's cap
     */
    public record Outcome(List<RankedOffer> offers, List<Suppression> suppressed, Channel preferredChannel,
                          List<String> firedRules, List<Notice> notices, List<String> servable, List<RankedOffer> candidates,
                          Map<String, List<RankedOffer>> otherChannels) {
        /** Nothing decided (the rules failed). */
        public static Outcome none() {
            return new Outcome(List.of(), List.of(), null, List.of(), List.of(), List.of(), List.of(), Map.of());
        }

        /** This one offer as the only candidate (the fallback). */
        public static Outcome only(RankedOffer offer) {
            return new Outcome(List.of(offer), List.of(), null, List.of(), List.of(), List.of(offer.offerId()), List.of(offer), Map.of());
        }
    }

    /** Notice code: the rules were stopped by the firing limit. */
    public static final String RULE_FIRING_LIMIT = "rule_firing_limit";
    /** Notice code: nothing else could be served, so the catalog's fallback offer was. */
    public static final String FALLBACK_OFFER = "fallback_offer";
    /** Notice code: the rules were stopped by the time budget. */
    public static final String RULE_TIME_BUDGET = "rule_time_budget";
    /** Notice code: the rules changed the facts kept between decisions, so their session was thrown away. */
    public static final String SESSION_DISCARDED = "session_discarded";
    /** Notice codes saying the rules did not run as they should, so the answer is partial. */
    public static final Set<String> RULES_CUT_SHORT = Set.of(RULE_FIRING_LIMIT, RULE_TIME_BUDGET, SESSION_DISCARDED);

    private record Candidate(Offer offer, Channel channel, double propensity, double score, Result.Verdict verdict,
                             List<Channel> otherChannels) {
    }

    /** The time rules may take in one decision unless configured otherwise. */
    public static final java.time.Duration DEFAULT_BUDGET = java.time.Duration.ofMillis(50);

    private final double priorClicks;
    private final double priorTrials;
    private final int maxFirings;
    private final java.time.Duration budget;

    public DecisionEngine(double priorClicks, double priorTrials, int maxFirings) {
        this(priorClicks, priorTrials, maxFirings, DEFAULT_BUDGET);
    }

    /**
     * @param maxFirings rule firings allowed in one decision
     * @param budget     time allowed for the rules in one decision, their conditions included
     */
    public DecisionEngine(double priorClicks, double priorTrials, int maxFirings, java.time.Duration budget) {
        this.priorClicks = priorClicks;
        this.priorTrials = priorTrials;
        this.maxFirings = maxFirings;
        this.budget = budget;
    }

    public Outcome decide(RuleSet ruleSet, Customer customer, Request request, Channel calling, int limit, Instant now) {
        return decide(ruleSet, customer, request, calling, limit, now, null);
    }

    public java.time.Duration budget() {
        return budget;
    }

    /**
     * @param journeyOffer the top offer of the customer's current journey, or null: it comes first
     *                     whenever it may still be served, so every channel shows the same top offer
     */
    public Outcome decide(RuleSet ruleSet, Customer customer, Request request, Channel calling, int limit, Instant now,
                          String journeyOffer) {
        ContactPolicies policies = ruleSet.policies();
        RuleSet.Evaluation evaluation = ruleSet.evaluate(customer, request, now, maxFirings, budget);
        Result result = evaluation.result();
        List<Notice> notices = new ArrayList<>();
        if (evaluation.firingLimitReached()) {
            notices.add(new Notice(RULE_FIRING_LIMIT, "rules stopped after " + maxFirings + " firings; the answer may be incomplete"));
        }
        if (evaluation.timeBudgetExceeded()) {
            notices.add(new Notice(RULE_TIME_BUDGET, "rules stopped after their " + budget.toMillis() + " ms budget; the answer may be incomplete"));
        }
        if (evaluation.sessionChanged()) {
            notices.add(new Notice(SESSION_DISCARDED, "a rule deleted, replaced or inserted a fact the rules keep between decisions; "
                    + "their session was discarded and the answer may be incomplete"));
        }

        List<Candidate> candidates = new ArrayList<>();
        List<Suppression> suppressed = new ArrayList<>();
        for (Map.Entry<String, Result.Verdict> entry : result.verdicts().entrySet()) {
            Result.Verdict verdict = entry.getValue();
            Offer offer = ruleSet.catalog().find(entry.getKey()).filter(o -> o.isValidAt(now)).orElse(null);
            if (offer == null || !verdict.isEligible()) {
                if (offer != null && verdict.exclusion() != null && verdict.wasMadeEligible()) {
                    suppressed.add(new Suppression(offer.getId(), "excluded",
                            sentence(verdict.exclusion()), null));
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
            List<Channel> byPreference = byPreference(open, customer, result, calling);
            candidates.add(candidate(offer, byPreference.get(0), customer, verdict, byPreference.subList(1, byPreference.size())));
        }

        // The journey's offer first, while it may be served: the same top offer on every channel.
        candidates.sort(Comparator.comparing((Candidate c) -> !c.offer().getId().equals(journeyOffer))
                .thenComparing(Comparator.comparingDouble(Candidate::score).reversed())
                .thenComparing(Comparator.comparingDouble((Candidate c) -> c.offer().getWeight()).reversed())
                .thenComparing(c -> c.offer().getId()));
        List<RankedOffer> all = new ArrayList<>();
        Map<String, List<RankedOffer>> otherChannels = new java.util.HashMap<>();
        for (Candidate c : candidates) {
            all.add(toRanked(all.size() + 1, c));
            if (!c.otherChannels().isEmpty()) {
                List<RankedOffer> others = new ArrayList<>();
                for (Channel other : c.otherChannels()) {
                    others.add(toRanked(all.size(), candidate(c.offer(), other, customer, c.verdict(), List.of())));
                }
                otherChannels.put(c.offer().getId(), others);
            }
        }
        List<RankedOffer> ranked = new ArrayList<>();
        Set<String> groups = new HashSet<>();
        for (Candidate c : candidates) {
            if (ranked.size() >= limit) {
                break;
            }
            if (groups.add(c.offer().getGroup())) {
                ranked.add(toRanked(ranked.size() + 1, c));
            }
        }
        return new Outcome(ranked, suppressed, preferredChannel(customer, result, calling), evaluation.firedRules(), notices,
                candidates.stream().map(c -> c.offer().getId()).toList(), all, otherChannels);
    }

    private Candidate candidate(Offer offer, Channel channel, Customer customer, Result.Verdict verdict, List<Channel> otherChannels) {
        double propensity = propensity(customer, channel);
        double score = propensity * offer.getNetValue() * offer.getWeight() * verdict.boost();
        return new Candidate(offer, channel, propensity, score, verdict, otherChannels);
    }

    /**
     * The catalog's first fallback offer ({@code fallback: true}) valid now that the calling channel
     * can deliver to this customer, as the one offer of an answer that would otherwise be empty; or
     * null: what a page shows when nothing else can be. (The decision serves it through the contact
     * policies when they can be checked, and without them when Redis is down.)
     */
    public RankedOffer fallback(RuleSet ruleSet, Customer customer, Channel calling, Instant now) {
        for (Offer offer : ruleSet.catalog().validAt(now)) {
            if (!offer.isFallback()) {
                continue;
            }
            ChannelPolicy.Permitted permitted = ChannelPolicy.permitted(offer, customer, calling);
            if (permitted.isEmpty()) {
                continue;
            }
            Channel channel = permitted.channels().contains(calling) ? calling : permitted.channels().get(0);
            double propensity = propensity(customer, channel);
            return new RankedOffer(1, offer.getId(), offer.getName(), offer.getGroup(), channel.id(), offer.creatives().get(channel),
                    round(propensity * offer.getNetValue() * offer.getWeight()),
                    new ScoreParts(round(propensity), round(offer.getNetValue()), offer.getWeight(), 1.0), List.of(),
                    List.of("fallback offer: nothing else could be served"));
        }
        return null;
    }

    private static String sentence(Result.Reason reason) {
        return reason.text() == null || reason.text().isBlank() ? reason.rule() : reason.text() + " (" + reason.rule() + ")";
    }

    /** (clicks + a) / (sent + b) on a channel: the prior alone for a customer with no history there. */
    double propensity(Customer customer, Channel channel) {
        long sent = customer.engagement(channel.id(), "sent");
        long clicks = Math.min(customer.engagement(channel.id(), "clicks"), sent);
        return (clicks + priorClicks) / (sent + priorTrials);
    }

    /** The channels by propensity × preference, best first; on a tie the calling channel first, then the catalog's order. */
    private List<Channel> byPreference(List<Channel> channels, Customer customer, Result result, Channel calling) {
        List<Channel> left = new ArrayList<>(channels);
        List<Channel> ordered = new ArrayList<>(channels.size());
        while (!left.isEmpty()) {
            Channel best = bestChannel(left, customer, result, calling);
            ordered.add(best);
            left.remove(best);
        }
        return ordered;
    }

    private Channel bestChannel(List<Channel> channels, Customer customer, Result result, Channel calling) {
        Channel best = null;
        double bestValue = -1;
        for (Channel c : channels) {
            double value = propensity(customer, c) * result.channelPreference(c);
            // On a tie, the channel the customer is on now wins: it needs no extra contact.
            if (value > bestValue || (value == bestValue && c == calling)) {
                best = c;
                bestValue = value;
            }
        }
        return best;
    }

    /**
     * The consented channel with the best propensity × preference. Channels the customer has a
     * history on, or that a rule expressed a preference about, come first: the prior alone should
     * not beat what the customer has shown.
     */
    private Channel preferredChannel(Customer customer, Result result, Channel calling) {
        List<Channel> consented = new ArrayList<>();
        List<Channel> withHistory = new ArrayList<>();
        for (Channel c : Channel.values()) {
            if (customer.consents(c.id())) {
                consented.add(c);
                if (customer.engagement(c.id(), "sent") > 0 || result.channelPreference(c) != 1.0) {
                    withHistory.add(c);
                }
            }
        }
        if (consented.isEmpty()) {
            return null;
        }
        return bestChannel(withHistory.isEmpty() ? consented : withHistory, customer, result, calling);
    }

    private static RankedOffer toRanked(int rank, Candidate c) {
        Offer o = c.offer();
        List<String> why = c.verdict().texts().isEmpty() ? List.copyOf(c.verdict().rules()) : c.verdict().texts();
        return new RankedOffer(rank, o.getId(), o.getName(), o.getGroup(), c.channel().id(), o.creatives().get(c.channel()),
                round(c.score()), new ScoreParts(round(c.propensity()), round(o.getNetValue()), o.getWeight(), round(c.verdict().boost())),
                List.copyOf(c.verdict().rules()), why);
    }

    private static double round(double v) {
        return Math.round(v * 1_000_000d) / 1_000_000d;
    }
}
