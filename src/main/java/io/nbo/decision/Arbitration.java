package io.nbo.decision;

import io.nbo.decision.Decision.RankedOffer;
import io.nbo.decision.Decision.ScoreParts;
import io.nbo.decision.Propensity.Estimate;
import io.nbo.learning.ModelSpec;
import io.nbo.model.Channel;
import io.nbo.model.Customer;
import io.nbo.model.Offer;
import io.nbo.model.Request;
import io.nbo.model.Result;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.apache.commons.rng.simple.RandomSource;
import org.apache.commons.rng.simple.ThreadLocalRandomSource;

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

    /** One channel an offer may go on, the propensity there and where it came from, and its score there. */
    public record Option(Channel channel, Estimate estimate, double score) {
        public double propensity() {
            return estimate.used();
        }
    }

    /**
     * An offer that may be served: its channels best first (the first decides its rank), the rules
     * behind it and why, and whether it is the catalog's fallback (served only when nothing else is).
     */
    public record Candidate(Offer offer, List<Option> options, double boost, List<String> rules, List<String> why, boolean fallback,
                            double[] atRank) {
        Candidate(Offer offer, List<Option> options, double boost, List<String> rules, List<String> why, boolean fallback) {
            this(offer, options, boost, rules, why, fallback, ONE);
        }

        /**
         * The probability that the policy puts this offer at {@code rank} (1-based) before the caps are checked:
         * 1 when nothing was sampled; estimated from Thompson draws otherwise ({@link Arbitration#CHOICE_DRAWS}).
         * What off-policy evaluation needs of a served offer.
         */
        public double choiceProbability(int rank) {
            return rank - 1 < atRank.length ? atRank[rank - 1] : 0;
        }

        Candidate withChoices(double[] choices) {
            return new Candidate(offer, options, boost, rules, why, fallback, choices);
        }

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
                    offer.creatives().get(option.channel()), round(option.score()), parts(option), model(rank, option), rules, why);
        }

        /** Which model gave the propensity on {@code option}, its evidence, and the chance of this rank. */
        public Decision.ModelUse model(int rank, Option option) {
            Estimate e = option.estimate();
            return new Decision.ModelUse(e.model(), e.impressions(), e.positives(), round(e.mean()),
                    e.sampled() ? "sample" : "mean", round(choiceProbability(rank)));
        }

        /** The factors of its score on {@code option}, rounded as the answer and the decision record show them. */
        public ScoreParts parts(Option option) {
            return new ScoreParts(round(option.propensity()), round(offer.getNetValue()), offer.getWeight(), round(boost));
        }
    }

    /** A candidate served on one of its options. */
    public record Choice(Candidate candidate, Option option) {
    }

    /** The candidates in the order to serve them, how many may be, and the predictors' values the propensities read (encoded). */
    public record Ranking(List<Candidate> candidates, int limit, String features) {
        static final Ranking EMPTY = new Ranking(List.of(), 0);

        public Ranking(List<Candidate> candidates, int limit) {
            this(candidates, limit, "");
        }

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

    /** Thompson draws of the whole ranking per decision, to estimate each offer's probability of its rank. */
    public static final int CHOICE_DRAWS = 100;

    private static final double[] ONE = {1.0};

    private final Propensity propensity;
    private final EngagementPropensity engagement;
    private final int choiceDraws;

    /**
     * @param propensity  the first factor of every score
     * @param engagement  how likely the customer is to respond on a channel at all, for the preferred channel
     * @param choiceDraws draws of the ranking that estimate the probability of each rank when propensities are sampled
     */
    public Arbitration(Propensity propensity, EngagementPropensity engagement, int choiceDraws) {
        this.propensity = propensity;
        this.engagement = engagement;
        this.choiceDraws = choiceDraws;
    }

    /** Arbitration with today's engagement formula as the propensity: deterministic. */
    public Arbitration(EngagementPropensity engagement) {
        this(engagement, engagement, CHOICE_DRAWS);
    }

    /**
     * @param journeyOffer the top offer of the customer's current journey, or null: it comes first whenever
     *                     it may still be served, so every channel shows the same top offer
     * @param fallback     the catalog's fallback offer on the channel it would go on, or null
     */
    public Ranking rank(List<Eligible> eligible, Customer customer, Request request, ModelSpec spec, Result result, Channel calling,
                        String journeyOffer, Eligible fallback, int limit) {
        Propensity.Scorer scorer = propensity.scorer(customer, request, spec);
        List<Candidate> candidates = new ArrayList<>(eligible.size() + 1);
        for (Eligible e : eligible) {
            List<Option> options = new ArrayList<>(e.channels().size());
            for (Channel c : e.channels()) {
                options.add(option(scorer, e.offer(), c, e.verdict().boost()));
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
        candidates.sort(order(journeyOffer, Candidate::offerId, c -> c.best().score(), c -> c.offer().getWeight()));
        candidates = choiceProbabilities(candidates, journeyOffer, limit);
        // Last, even when the same offer is eligible above: the fallback ignores the caps when they cannot be checked.
        if (fallback != null) {
            candidates.add(fallbackCandidate(scorer, fallback));
        }
        return new Ranking(List.copyOf(candidates), limit, scorer.features());
    }

    /** The journey's offer first, then the best score, the larger weight, the offer id. */
    private static <T> Comparator<T> order(String journeyOffer, Function<T, String> id, ToDoubleFunction<T> score, ToDoubleFunction<T> weight) {
        return Comparator.comparing((T c) -> !id.apply(c).equals(journeyOffer))
                .thenComparing(Comparator.comparingDouble(score).reversed())
                .thenComparing(Comparator.comparingDouble(weight).reversed())
                .thenComparing(id);
    }

    /**
     * Each candidate's probability of each rank, for the decision record: when any propensity was a Thompson
     * draw, the ranking is drawn again {@link #choiceDraws} times from the same posteriors and the selection
     * rule applied to each ({@link Ranking#select}'s: the first {@code limit}, one per group), on each offer's
     * best channel of this decision. A rank's probabilities are smoothed by half a count per candidate, so
     * none is 0 and those of the first rank sum to one. Without draws the policy is deterministic: 1 for the
     * rank an offer has, 0 for the others.
     */
    private List<Candidate> choiceProbabilities(List<Candidate> ranked, String journeyOffer, int limit) {
        int k = ranked.size();
        int ranks = Math.min(limit, k);
        if (k == 0 || ranks == 0) {
            return ranked;
        }
        double[][] at = new double[k][ranks];
        boolean sampled = false;
        for (Candidate c : ranked) {
            sampled |= c.best().estimate().sampled();
        }
        if (!sampled || choiceDraws == 0) {
            List<Candidate> chosen = new Ranking(ranked, limit).select(c -> true);
            for (int r = 0; r < chosen.size(); r++) {
                at[ranked.indexOf(chosen.get(r))][r] = 1;
            }
        } else {
            UniformRandomProvider rng = ThreadLocalRandomSource.current(RandomSource.XO_RO_SHI_RO_128_PP);
            ContinuousSampler[] draws = new ContinuousSampler[k];
            double[] factor = new double[k];
            for (int i = 0; i < k; i++) {
                Candidate c = ranked.get(i);
                draws[i] = c.best().estimate().sampler(rng);
                factor[i] = c.offer().getNetValue() * c.offer().getWeight() * c.boost();
            }
            Integer[] order = new Integer[k];
            double[] score = new double[k];
            Comparator<Integer> byScore = order(journeyOffer, i -> ranked.get(i).offerId(), i -> score[i], i -> ranked.get(i).offer().getWeight());
            Set<String> groups = new HashSet<>();
            int journey = -1;
            for (int i = 0; i < k; i++) {
                journey = ranked.get(i).offerId().equals(journeyOffer) ? i : journey;
            }
            for (int d = 0; d < choiceDraws; d++) {
                for (int i = 0; i < k; i++) {
                    score[i] = draws[i].sample() * factor[i];
                    order[i] = i;
                }
                if (ranks == 1) {
                    // One rank (most requests): the best draw, no sort. Ties between continuous draws do not happen.
                    int best = journey;
                    if (best < 0) {
                        best = 0;
                        for (int i = 1; i < k; i++) {
                            if (score[i] > score[best]) {
                                best = i;
                            }
                        }
                    }
                    at[best][0]++;
                    continue;
                }
                java.util.Arrays.sort(order, byScore);
                groups.clear();
                int r = 0;
                for (int j = 0; j < k && r < ranks; j++) {
                    if (groups.add(ranked.get(order[j]).group())) {
                        at[order[j]][r++]++;
                    }
                }
            }
            for (double[] a : at) {
                for (int r = 0; r < ranks; r++) {
                    a[r] = (a[r] + 0.5) / (choiceDraws + 0.5 * k);
                }
            }
        }
        List<Candidate> out = new ArrayList<>(k + 1);
        for (int i = 0; i < k; i++) {
            out.add(ranked.get(i).withChoices(at[i]));
        }
        return out;
    }

    /** Only the fallback, when the rules could not run. */
    public Ranking fallbackOnly(Customer customer, Request request, ModelSpec spec, Eligible fallback) {
        return fallback == null ? Ranking.EMPTY
                : new Ranking(List.of(fallbackCandidate(propensity.scorer(customer, request, spec), fallback)), 1);
    }

    private Candidate fallbackCandidate(Propensity.Scorer scorer, Eligible fallback) {
        return new Candidate(fallback.offer(), List.of(option(scorer, fallback.offer(), fallback.channels().get(0), 1.0)),
                1.0, List.of(), List.of("fallback offer: nothing else could be served"), true);
    }

    private static Option option(Propensity.Scorer scorer, Offer offer, Channel channel, double boost) {
        Estimate e = scorer.of(offer, channel);
        return new Option(channel, e, e.used() * offer.getNetValue() * offer.getWeight() * boost);
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
