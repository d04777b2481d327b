package io.nbo.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.decision.Arbitration.Candidate;
import io.nbo.decision.Arbitration.Eligible;
import io.nbo.decision.Arbitration.Ranking;
import io.nbo.model.Cart;
import io.nbo.model.Channel;
import io.nbo.model.Creative;
import io.nbo.model.Customer;
import io.nbo.model.CustomerData;
import io.nbo.model.Offer;
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

    final Arbitration arbitration = new Arbitration(new EngagementPropensity(1, 20));

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

        Ranking ranking = arbitration.rank(eligible, CUSTOMER, result, Channel.WEB, null, null, 2);

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

        Ranking ranking = arbitration.rank(eligible, CUSTOMER, result, Channel.WEB, "small", null, 2);

        assertThat(ranking.candidates()).extracting(Candidate::offerId).containsExactly("small", "big");
        // email: prior 1/20 × preference 10 = 0.5 beats the web's 0.2
        assertThat(ranking.candidates().get(0).options()).extracting(Arbitration.Option::channel).containsExactly(Channel.EMAIL, Channel.WEB);
    }

    @Test
    void theFallbackComesLastAndIsOnlyTakenAlone() {
        Result result = new Result();
        Offer fallback = offer("teaser", "discovery", 6, true, Channel.WEB);
        List<Eligible> eligible = eligible(result, Map.of(), offer("a", "g1", 100, false, Channel.WEB));

        Ranking ranking = arbitration.rank(eligible, CUSTOMER, result, Channel.WEB, null, new Eligible(fallback, null, List.of(Channel.WEB)), 3);

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
        Propensity learned = (customer, offer, channel) -> offer.getId().equals("b") ? 0.9 : 0.01;

        Ranking ranking = new Arbitration(learned, new EngagementPropensity(1, 20)).rank(eligible, CUSTOMER, result, Channel.WEB, null, null, 2);

        assertThat(ranking.candidates()).extracting(Candidate::offerId).containsExactly("b", "a");
        assertThat(ranking.answer().get(0).scoreParts().propensity()).isEqualTo(0.9);
    }
}
