package io.nbo.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.learning.Evidence;
import io.nbo.learning.ModelSpec;
import io.nbo.learning.Models;
import io.nbo.learning.NaiveBayes;
import io.nbo.learning.Predictors;
import io.nbo.learning.Source;
import io.nbo.model.Cart;
import io.nbo.model.Channel;
import io.nbo.model.Creative;
import io.nbo.model.Customer;
import io.nbo.model.CustomerData;
import io.nbo.model.Offer;
import io.nbo.model.Request;
import io.nbo.model.Result;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A small run of the known-truth simulator (load-tests/learning/KnownTruth.java): Thompson sampling over the
 * segment-aware learned propensity, fed the simulated responses, beats uniform random and tries a new offer.
 */
class KnownTruthSimulationTest {

    /** True response rates, offer × segment (a, b, c); the sixth offer joins later, best in c. */
    static final double[][] TRUTH = {
            {0.03, 0.03, 0.03},
            {0.08, 0.02, 0.01},
            {0.02, 0.07, 0.03},
            {0.04, 0.04, 0.06},
            {0.05, 0.05, 0.05},
            {0.04, 0.04, 0.10},
    };
    static final int DECISIONS = 5_000;
    static final int NEW_AT = 2_000;
    static final int SNAPSHOT_EVERY = 100;

    @Test
    void thompsonSamplingLearnsTheSegmentsBestOffersAndTriesANewOne() {
        List<Offer> offers = new ArrayList<>();
        Result result = new Result();
        for (int o = 0; o < TRUTH.length; o++) {
            Offer offer = new Offer("o" + (o + 1), "offer " + (o + 1), "g" + (o + 1), 10, 0, 1, null, null,
                    Map.of(Channel.WEB, new Creative("o" + (o + 1), null, null, null, null)), List.of());
            offers.add(offer);
            result.eligible(offer, "eligible");
        }
        List<Arbitration.Eligible> all = offers.stream()
                .map(o -> new Arbitration.Eligible(o, result.verdicts().get(o.getId()), List.of(Channel.WEB))).toList();
        Customer[] customers = new Customer[3];
        for (int s = 0; s < 3; s++) {
            customers[s] = new Customer("c" + s, true, new CustomerData(Map.of("segment", "s" + s), Map.of("web", true), Map.of(),
                    Cart.EMPTY, List.of()), Instant.parse("2026-12-07T12:00:00Z"));
        }
        ModelSpec spec = new ModelSpec(List.of(new ModelSpec.Predictor("segment", new Source.Profile("segment"))),
                ModelSpec.Exploration.SAMPLE, Map.of());
        Request request = new Request("web", "home", null, null, Map.of());
        EngagementPropensity formula = new EngagementPropensity(1, 20);
        Evidence[] evidence = new Evidence[TRUTH.length];
        for (int o = 0; o < evidence.length; o++) {
            evidence[o] = new Evidence();
        }
        Models[] snapshot = {Models.EMPTY};
        Arbitration arbitration = new Arbitration(new LearnedPropensity(() -> snapshot[0], formula, 20), formula, 0);

        SplittableRandom rng = new SplittableRandom(7);
        double regret = 0;
        double uniformRegret = 0;
        int newServed = 0;
        for (int t = 0; t < DECISIONS; t++) {
            int active = t < NEW_AT ? 5 : 6;
            int s = rng.nextInt(3);
            Arbitration.Ranking ranking = arbitration.rank(all.subList(0, active), customers[s], request, spec, result, Channel.WEB,
                    null, null, 1);
            int o = Integer.parseInt(ranking.select(c -> true).get(0).offerId().substring(1)) - 1;
            double best = 0;
            double average = 0;
            for (int j = 0; j < active; j++) {
                best = Math.max(best, TRUTH[j][s]);
                average += TRUTH[j][s] / active;
            }
            regret += best - TRUTH[o][s];
            uniformRegret += best - average;
            newServed += o == 5 ? 1 : 0;
            // What the store learns from the decision's impression and its response, with the predictors it recorded.
            evidence[o].add(Predictors.decode(ranking.features()), 1, rng.nextDouble() < TRUTH[o][s] ? 1 : 0);
            if ((t + 1) % SNAPSHOT_EVERY == 0) {
                snapshot[0] = snapshot(evidence);
            }
        }

        assertThat(regret).as("Thompson sampling's expected regret against uniform random's").isLessThan(uniformRegret);
        assertThat(newServed).as("impressions of the offer added after %d decisions", NEW_AT).isGreaterThanOrEqualTo(5);
    }

    private static Models snapshot(Evidence[] evidence) {
        Map<String, Models.Model[]> byOffer = new HashMap<>();
        for (int o = 0; o < evidence.length; o++) {
            if (evidence[o].trials() > 0) {
                Models.Model[] perChannel = new Models.Model[Channel.values().length];
                perChannel[Channel.WEB.ordinal()] = new Models.Model("o" + (o + 1), Channel.WEB, evidence[o].trials(),
                        evidence[o].positives(), NaiveBayes.of(evidence[o]), 0);
                byOffer.put("o" + (o + 1), perChannel);
            }
        }
        return new Models(byOffer);
    }
}
