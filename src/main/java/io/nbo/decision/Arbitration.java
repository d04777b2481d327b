package io.nbo.decision;

import io.nbo.decision.Decision.RankedOffer;
import io.nbo.decision.Decision.ScoreParts;
import io.nbo.model.Channel;
import io.nbo.model.Customer;
import io.nbo.model.Offer;
import io.nbo.model.Result;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Arbitration, the one place that scores and ranks: score = propensity × value × weight × boost on
 * each channel an offer may still go on, its channels best first (propensity × the rules'
 * preference), the offers best first with the journey's offer ahead, and the catalog's fallback
 * last and flagged. What is finally served is the first {@code limit} of this order, one per
 * group, the fallback only alone ({@link Ranking#select}): the commit applies that same order
 * while it checks the caps, and never ranks.
 */
public final class Arbitration {

    /** An offer the rules made eligible and the policies left at least one channel for, in the catalog's channel order. */
    public record Eligible(Offer offer, Result.Verdict verdict, List<Channel> channels) {
    }

    /** One channel an offer may go on, and its score there. */
    public record Option(Channel channel, double propensity, double score) {
    }

    /**
     * An offer that may be served: its channels best first (the first decides its rank), the rules
     * behind it and why, and whether it is the catalog's fallback (served only when nothing else is).
     */
    public record Candidate(Offer offer, List<Option> options, double boost, List<String> rules, List<String> why, boolean fallback) {
        public String offerId() {
            return offer.getId();
        }

        public String group() {
            return offer.getGroup();
        }

        public Option best() {
            return options.get(0);
        }

        /** The offer on {@code option} as the answer shows it, at {@code rank}. */
        public RankedOffer toRanked(int rank, Option option) {
            return new RankedOffer(rank, offer.getId(), offer.getName(), offer.getGroup(), option.channel().id(),
                    offer.creatives().get(option.channel()), round(option.score()), parts(option), rules, why);
        }

        /** The factors of its score on {@code option}, rounded as the answer and the decision record show them. */
        public ScoreParts parts(Option option) {
            return new ScoreParts(round(option.propensity()), round(offer.getNetValue()), offer.getWeight(), round(boost));
        }
    }

    /** A candidate served on one of its options. */
    public record Choice(Candidate candidate, Option option) {
    }

    /** The candidates in the order to serve them, and how many may be. */
    public record Ranking(List<Candidate> candidates, int limit) {
        static final Ranking EMPTY = new Ranking(List.of(), 0);

        /**
         * The first {@code limit} candidates that {@code open} lets through, one per group; the fallback
         * only when no other is taken. (The commit's script applies the same rule while it checks the caps.)
         */
        public List<Candidate> select(Predicate<Candidate> open) {
            List<Candidate> out = new ArrayList<>();
            Set<String> groups = new HashSet<>();
            for (Candidate c : candidates) {
                if (out.size() >= limit) {
                    break;
                }
                if ((!c.fallback() || out.isEmpty()) && !groups.contains(c.group()) && open.test(c)) {
                    groups.add(c.group());
                    out.add(c);
                }
            }
            return out;
        }

        /** The candidates chosen by the rules and policies, without the fallback. */
        public List<Candidate> eligible() {
            return candidates.stream().filter(c -> !c.fallback()).toList();
        }

        /** What would be served if no cap were reached on the way: each selected candidate on its best channel. */
        public List<RankedOffer> answer() {
            return ranked(select(c -> true).stream().map(c -> new Choice(c, c.best())).toList());
        }

        /** Choices as the answer shows them, ranked 1, 2, ... in their order. */
        public static List<RankedOffer> ranked(List<Choice> choices) {
            List<RankedOffer> out = new ArrayList<>(choices.size());
            for (Choice c : choices) {
                out.add(c.candidate().toRanked(out.size() + 1, c.option()));
            }
            return out;
        }
    }

    private final Propensity propensity;
    private final EngagementPropensity engagement;

    /**
     * @param propensity the first factor of every score
     * @param engagement how likely the customer is to respond on a channel at all, for the preferred channel
     */
    public Arbitration(Propensity propensity, EngagementPropensity engagement) {
        this.propensity = propensity;
        this.engagement = engagement;
    }

    /** Arbitration with today's engagement formula as the propensity. */
    public Arbitration(EngagementPropensity engagement) {
        this(engagement, engagement);
    }

    /**
     * @param journeyOffer the top offer of the customer's current journey, or null: it comes first whenever
     *                     it may still be served, so every channel shows the same top offer
     * @param fallback     the catalog's fallback offer on the channel it would go on, or null
     */
    public Ranking rank(List<Eligible> eligible, Customer customer, Result result, Channel calling, String journeyOffer,
                        Eligible fallback, int limit) {
        List<Candidate> candidates = new ArrayList<>(eligible.size() + 1);
        for (Eligible e : eligible) {
            List<Option> options = new ArrayList<>(e.channels().size());
            for (Channel c : e.channels()) {
                options.add(option(customer, e.offer(), c, e.verdict().boost()));
            }
            if (options.size() > 1) {
                // Propensity × the rules' preference, best first; on a tie the calling channel (it needs no extra
                // contact), then the catalog's order (the sort is stable).
                options.sort(Comparator.comparingDouble((Option o) -> -o.propensity() * result.channelPreference(o.channel()))
                        .thenComparing(o -> o.channel() != calling));
            }
            List<String> rules = List.copyOf(e.verdict().rules());
            candidates.add(new Candidate(e.offer(), options, e.verdict().boost(), rules,
                    e.verdict().texts().isEmpty() ? rules : e.verdict().texts(), false));
        }
        // The journey's offer first, while it may be served: the same top offer on every channel.
        candidates.sort(Comparator.comparing((Candidate c) -> !c.offerId().equals(journeyOffer))
                .thenComparing(Comparator.comparingDouble((Candidate c) -> c.best().score()).reversed())
                .thenComparing(Comparator.comparingDouble((Candidate c) -> c.offer().getWeight()).reversed())
                .thenComparing(Candidate::offerId));
        // Last, even when the same offer is eligible above: the fallback ignores the caps when they cannot be checked.
        if (fallback != null) {
            candidates.add(fallbackCandidate(customer, fallback));
        }
        return new Ranking(List.copyOf(candidates), limit);
    }

    /** Only the fallback, when the rules could not run. */
    public Ranking fallbackOnly(Customer customer, Eligible fallback) {
        return fallback == null ? Ranking.EMPTY : new Ranking(List.of(fallbackCandidate(customer, fallback)), 1);
    }

    private Candidate fallbackCandidate(Customer customer, Eligible fallback) {
        return new Candidate(fallback.offer(), List.of(option(customer, fallback.offer(), fallback.channels().get(0), 1.0)),
                1.0, List.of(), List.of("fallback offer: nothing else could be served"), true);
    }

    private Option option(Customer customer, Offer offer, Channel channel, double boost) {
        double p = propensity.of(customer, offer, channel);
        return new Option(channel, p, p * offer.getNetValue() * offer.getWeight() * boost);
    }

    /**
     * The consented channel with the best engagement × the rules' preference. Channels the customer has a
     * history on, or that a rule expressed a preference about, come first: the prior alone should not
     * beat what the customer has shown.
     */
    public Channel preferredChannel(Customer customer, Result result, Channel calling) {
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
        return best(withHistory.isEmpty() ? consented : withHistory,
                c -> engagement.onChannel(customer, c) * result.channelPreference(c), calling);
    }

    private static Channel best(List<Channel> channels, java.util.function.ToDoubleFunction<Channel> value, Channel calling) {
        Channel best = null;
        double bestValue = -1;
        for (Channel c : channels) {
            double v = value.applyAsDouble(c);
            // On a tie, the channel the customer is on now wins: it needs no extra contact.
            if (v > bestValue || (v == bestValue && c == calling)) {
                best = c;
                bestValue = v;
            }
        }
        return best;
    }

    static double round(double v) {
        return Math.round(v * 1_000_000d) / 1_000_000d;
    }
}
