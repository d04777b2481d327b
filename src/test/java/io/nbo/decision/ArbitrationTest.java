package io.nbo.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.decision.Arbitration.Candidate;
import io.nbo.decision.Arbitration.Eligible;
import io.nbo.decision.Arbitration.Ranking;
import io.nbo.learning.ModelSpec;
import io.nbo.model.Cart;
import io.nbo.model.Channel;
import io.nbo.model.Creative;
import io.nbo.model.Customer;
import io.nbo.model.CustomerData;
import io.nbo.model.Offer;
import io.nbo.model.Request;
import io.nbo.model.Result;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one ranking step: scores, order, one per group, the journey first, the fallback last and alone, the propensity behind its interface. */
class ArbitrationTest {

    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    static final Customer CUSTOMER = new Customer("c", true, new CustomerData(Map.of(), Map.of("email", true),
            Map.of("web", Map.of("sent", 10L, "clicks", 5L)), Cart.EMPTY, List.of()), NOW);

    static final Request REQUEST = new Request("web", null, null, null, Map.of());

    final Arbitration arbitration = new Arbitration(new EngagementPropensity(1, 20));

    static Propensity.Estimate fixed(double p) {
        return new Propensity.Estimate(p, p, 0, "test", 0, 0);
    }

    static Offer offer(String id, String group, double value, boolean fallback, Channel... channels) {
        Map<Channel, Creative> creatives = new java.util.EnumMap<>(Channel.class);
        for (Channel c : channels) {
            creatives.put(c, new Creative(id, null, null, null, null));
        }
        return new Offer(id, id, group, value, 0, 1, null, null, creatives, List.of(), fallback);
    }

    /** Eligible offers as the rules would leave them, with {@code boosts} by offer id. */
    static List<Eligible> eligible(Result result, Map<String, Double> boosts, Offer... offers) {
        for (Offer o : offers) {
            result.eligible(o, "because");
            if (boosts.containsKey(o.getId())) {
                result.boost(o, boosts.get(o.getId()), "boosted");
            }
        }
        return java.util.Arrays.stream(offers)
                .map(o -> new Eligible(o, result.verdicts().get(o.getId()), List.copyOf(o.creatives().keySet()))).toList();
    }

    @Test
    void scoresEachChannelRanksBestFirstAndKeepsOnePerGroupUpToTheLimit() {
        Result result = new Result();
        List<Eligible> eligible = eligible(result, Map.of("c", 3.0),
                offer("a", "g1", 100, false, Channel.WEB), offer("b", "g1", 90, false, Channel.WEB),
                offer("c", "g2", 10, false, Channel.WEB), offer("d", "g3", 1, false, Channel.WEB));

        Ranking ranking = arbitration.rank(eligible, CUSTOMER, REQUEST, ModelSpec.NONE, result, Channel.WEB, null, null, 2);

        // (5 + 1) / (10 + 20) = 0.2 on the web; c's boost of 3 does not lift 10 above 90
        assertThat(ranking.candidates()).extracting(Candidate::offerId).containsExactly("a", "b", "c", "d");
        assertThat(ranking.candidates().get(0).best().score()).isEqualTo(0.2 * 100, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(ranking.candidates().get(2).best().score()).isEqualTo(0.2 * 10 * 3, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(ranking.answer()).extracting(Decision.RankedOffer::offerId).containsExactly("a", "c");
        assertThat(ranking.answer()).extracting(Decision.RankedOffer::rank).containsExactly(1, 2);
        // a group's next offer takes its place when the first may not be served
        assertThat(ranking.select(c -> !c.offerId().equals("a"))).extracting(Candidate::offerId).containsExactly("b", "c");
    }

    @Test
    void theJourneysOfferComesFirstAndChannelsGoBestFirst() {
        Result result = new Result();
        result.preferChannel("email", 10, "prefers email");
        List<Eligible> eligible = eligible(result, Map.of(),
                offer("big", "g1", 100, false, Channel.WEB), offer("small", "g2", 10, false, Channel.WEB, Channel.EMAIL));

        Ranking ranking = arbitration.rank(eligible, CUSTOMER, REQUEST, ModelSpec.NONE, result, Channel.WEB, "small", null, 2);

        assertThat(ranking.candidates()).extracting(Candidate::offerId).containsExactly("small", "big");
        // email: prior 1/20 × preference 10 = 0.5 beats the web's 0.2
        assertThat(ranking.candidates().get(0).options()).extracting(Arbitration.Option::channel).containsExactly(Channel.EMAIL, Channel.WEB);
    }

    @Test
    void theFallbackComesLastAndIsOnlyTakenAlone() {
        Result result = new Result();
        Offer fallback = offer("teaser", "discovery", 6, true, Channel.WEB);
        List<Eligible> eligible = eligible(result, Map.of(), offer("a", "g1", 100, false, Channel.WEB));

        Ranking ranking = arbitration.rank(eligible, CUSTOMER, REQUEST, ModelSpec.NONE, result, Channel.WEB, null, new Eligible(fallback, null, List.of(Channel.WEB)), 3);

        assertThat(ranking.candidates()).extracting(Candidate::offerId, Candidate::fallback)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", false), org.assertj.core.groups.Tuple.tuple("teaser", true));
        assertThat(ranking.select(c -> true)).extracting(Candidate::offerId).containsExactly("a");
        assertThat(ranking.select(c -> !c.offerId().equals("a"))).extracting(Candidate::offerId).containsExactly("teaser");
        assertThat(ranking.eligible()).extracting(Candidate::offerId).containsExactly("a");
        Decision.RankedOffer shown = ranking.candidates().get(1).toRanked(1, ranking.candidates().get(1).best());
        assertThat(shown.why()).containsExactly("fallback offer: nothing else could be served");
        assertThat(shown.scoreParts().contextBoost()).isEqualTo(1.0);
    }

    @Test
    void aLearnedPropensityReplacesTheFormulaWithoutTouchingTheRest() {
        Result result = new Result();
        List<Eligible> eligible = eligible(result, Map.of(), offer("a", "g1", 100, false, Channel.WEB), offer("b", "g2", 10, false, Channel.WEB));
        Propensity learned = (customer, request, spec) -> (offer, channel) -> fixed(offer.getId().equals("b") ? 0.9 : 0.01);

        Ranking ranking = new Arbitration(learned, new EngagementPropensity(1, 20), Arbitration.CHOICE_DRAWS).rank(eligible, CUSTOMER, REQUEST, ModelSpec.NONE, result, Channel.WEB, null, null, 2);

        assertThat(ranking.candidates()).extracting(Candidate::offerId).containsExactly("b", "a");
        assertThat(ranking.answer().get(0).scoreParts().propensity()).isEqualTo(0.9);
    }

    @Test
    void withoutDrawsEachOfferIsChosenForItsRankWithCertainty() {
        Result result = new Result();
        List<Eligible> eligible = eligible(result, Map.of(), offer("a", "g1", 100, false, Channel.WEB), offer("b", "g2", 10, false, Channel.WEB));

        Ranking ranking = arbitration.rank(eligible, CUSTOMER, REQUEST, ModelSpec.NONE, result, Channel.WEB, null, null, 2);

        assertThat(ranking.candidates().get(0).choiceProbability(1)).isEqualTo(1.0);
        assertThat(ranking.candidates().get(0).choiceProbability(2)).isEqualTo(0.0);
        assertThat(ranking.candidates().get(1).choiceProbability(2)).isEqualTo(1.0);
        assertThat(ranking.answer().get(0).model().exploration()).isEqualTo("mean");
        assertThat(ranking.answer().get(0).model().name()).isEqualTo(EngagementPropensity.MODEL);
    }

    @Test
    void sampledPropensitiesGiveEachRankAProbabilityAndThoseOfTheFirstSumToOne() {
        Result result = new Result();
        List<Eligible> eligible = eligible(result, Map.of(), offer("a", "g1", 1, false, Channel.WEB), offer("b", "g2", 1, false, Channel.WEB),
                offer("c", "g3", 1, false, Channel.WEB));
        // a is better on average than b, and c is a new offer with little evidence: wide, so it sometimes wins
        Map<String, double[]> posterior = Map.of("a", new double[] {0.30, 400}, "b", new double[] {0.20, 400}, "c", new double[] {0.22, 10});
        Propensity sampled = (customer, request, spec) -> (offer, channel) -> {
            double[] meanAndEvidence = posterior.get(offer.getId());
            return new Propensity.Estimate(meanAndEvidence[0], meanAndEvidence[0], meanAndEvidence[1], "test", 0, 0);
        };

        Ranking ranking = new Arbitration(sampled, new EngagementPropensity(1, 20), 2_000)
                .rank(eligible, CUSTOMER, REQUEST, ModelSpec.NONE, result, Channel.WEB, null, null, 2);

        Map<String, Candidate> byId = new java.util.HashMap<>();
        ranking.candidates().forEach(c -> byId.put(c.offerId(), c));
        double first = ranking.candidates().stream().mapToDouble(c -> c.choiceProbability(1)).sum();
        assertThat(first).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(byId.get("a").choiceProbability(1)).isGreaterThan(byId.get("c").choiceProbability(1));
        // The new offer is tried: it comes first in a fair share of draws, while b, known to be worse, almost never does.
        assertThat(byId.get("c").choiceProbability(1)).isGreaterThan(0.05).isGreaterThan(byId.get("b").choiceProbability(1));
        assertThat(ranking.candidates()).allSatisfy(c -> assertThat(c.choiceProbability(1)).isPositive());
        double second = ranking.candidates().stream().mapToDouble(c -> c.choiceProbability(2)).sum();
        assertThat(second).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void theJourneysOfferIsFirstWhateverTheDraws() {
        Result result = new Result();
        List<Eligible> eligible = eligible(result, Map.of(), offer("a", "g1", 100, false, Channel.WEB), offer("b", "g2", 1, false, Channel.WEB));
        Propensity sampled = (customer, request, spec) -> (offer, channel) -> new Propensity.Estimate(0.5, 0.5, 5, "test", 0, 0);

        Ranking ranking = new Arbitration(sampled, new EngagementPropensity(1, 20), 500)
                .rank(eligible, CUSTOMER, REQUEST, ModelSpec.NONE, result, Channel.WEB, "b", null, 1);

        assertThat(ranking.candidates().get(0).offerId()).isEqualTo("b");
        // Half a count of smoothing for each of the two: (500 + 0.5) / (500 + 1)
        assertThat(ranking.candidates().get(0).choiceProbability(1)).isCloseTo(500.5 / 501, org.assertj.core.api.Assertions.within(1e-9));
    }
}
