package io.nbo.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NaiveBayesTest {

    @Test
    void withoutEvidenceTheRateIsTheSmoothedBaseRate() {
        assertThat(NaiveBayes.of(new Evidence()).rate(Map.of("age", "n:30"))).isEqualTo(0.5);
        Evidence e = new Evidence();
        e.add(Map.of(), 98, 9);
        NaiveBayes model = NaiveBayes.of(e);
        assertThat(model.rate(Map.of())).isCloseTo(10.0 / 100, within(1e-12));
        assertThat(model.rate(Map.of("age", "n:30"))).isCloseTo(10.0 / 100, within(1e-12));
        assertThat(model.baseRate()).isCloseTo(10.0 / 100, within(1e-12));
        assertThat(model.predictors()).isEmpty();
    }

    @Test
    void convergesTowardsTheTrueRate() {
        double previousError = 1;
        for (long trials : new long[] {10, 100, 1000, 100_000}) {
            Evidence e = new Evidence();
            for (int i = 0; i < 10; i++) {
                // two values of one predictor, both at 20 %: it carries no information
                e.add(Map.of("colour", i % 2 == 0 ? "s:red" : "s:blue"), trials / 10, trials / 50);
            }
            double error = Math.abs(NaiveBayes.of(e).rate(Map.of("colour", "s:red")) - 0.2);
            assertThat(error).isLessThan(previousError);
            previousError = error;
        }
        assertThat(previousError).isLessThan(1e-3);
    }

    /** x from 0 to 99, 100 trials each: 10 % respond below 50, 40 % from 50 on. */
    private static Evidence step() {
        Evidence e = new Evidence();
        for (int x = 0; x < 100; x++) {
            e.add(Map.of("x", Bins.fine(x)), 100, x < 50 ? 10 : 40);
        }
        return e;
    }

    @Test
    void numericBinsFindAKnownStep() {
        NaiveBayes model = NaiveBayes.of(step());
        NaiveBayes.Predictor x = model.predictors().get(0);
        assertThat(x.name()).isEqualTo("x");
        assertThat(x.bins()).extracting(NaiveBayes.Bin::label).containsExactly("< 50", ">= 50");
        assertThat(x.bins()).extracting(NaiveBayes.Bin::trials).containsExactly(5000L, 5000L);
        assertThat(x.bins()).extracting(NaiveBayes.Bin::positives).containsExactly(500L, 2000L);
        // every positive of the high bin beats every negative of the low bin, ties within bins count half
        double auc = (2000.0 * 4500 + 500 * 4500 / 2.0 + 2000 * 3000 / 2.0) / (2500.0 * 7500);
        assertThat(x.auc()).isCloseTo(auc, within(1e-12));
        assertThat(x.active()).isTrue();
    }

    @Test
    void onePredictorAloneReproducesItsBinRates() {
        NaiveBayes model = NaiveBayes.of(step());
        assertThat(model.damping()).isEqualTo(1.0);
        assertThat(model.rate(Map.of("x", "n:10"))).isCloseTo(0.1, within(0.002));
        assertThat(model.rate(Map.of("x", "n:70"))).isCloseTo(0.4, within(0.002));
        // values never seen fall in the bin of their range
        assertThat(model.rate(Map.of("x", "n:-5"))).isEqualTo(model.rate(Map.of("x", "n:10")));
        assertThat(model.rate(Map.of("x", "n:49.5"))).isEqualTo(model.rate(Map.of("x", "n:10")));
        assertThat(model.rate(Map.of("x", "n:1000"))).isEqualTo(model.rate(Map.of("x", "n:70")));
        // a value of another kind carries no information
        assertThat(model.rate(Map.of("x", "s:high"))).isCloseTo(model.baseRate(), within(1e-12));
    }

    @Test
    void aSeparatingPredictorRaisesThePositiveSide() {
        Evidence e = new Evidence();
        e.add(Map.of("poutcome", "s:success", "noise", "s:a"), 500, 300);
        e.add(Map.of("poutcome", "s:failure", "noise", "s:b"), 500, 50);
        e.add(Map.of("poutcome", "s:nonexistent", "noise", "s:a"), 4000, 200);
        e.add(Map.of("poutcome", "s:nonexistent", "noise", "s:b"), 4000, 200);
        NaiveBayes model = NaiveBayes.of(e);
        double success = model.rate(Map.of("poutcome", "s:success", "noise", "s:a"));
        double failure = model.rate(Map.of("poutcome", "s:failure", "noise", "s:a"));
        assertThat(success).isGreaterThan(model.baseRate()).isGreaterThan(failure);
        assertThat(model.predictors()).filteredOn(p -> p.name().equals("poutcome"))
                .singleElement().satisfies(p -> assertThat(p.auc()).isGreaterThan(0.6));
    }

    @Test
    void predictorsThatDoNotRankAreInactive() {
        Evidence e = new Evidence();
        e.add(Map.of("x", "s:a"), 1000, 100);
        e.add(Map.of("x", "s:b"), 1000, 101);
        NaiveBayes model = NaiveBayes.of(e);
        assertThat(model.predictors()).singleElement().satisfies(p -> {
            assertThat(p.active()).isFalse();
            assertThat(p.bins()).hasSize(1);  // merged: the two rates do not differ
        });
        assertThat(model.rate(Map.of("x", "s:a"))).isEqualTo(model.baseRate());
    }

    @Test
    void rareSymbolsAndUnseenOnesShareTheResidualBinAndMissingHasItsOwn() {
        Evidence e = new Evidence();
        e.add(Map.of("job", "s:admin."), 2000, 100);
        e.add(Map.of("job", "s:student"), 2000, 600);
        e.add(Map.of("job", "s:astronaut"), 5, 5);   // too few trials for a bin of its own
        e.add(Map.of("job", "s:diver"), 5, 4);
        e.add(Map.of("job", Bins.MISSING), 1000, 400);
        NaiveBayes model = NaiveBayes.of(e);
        NaiveBayes.Predictor job = model.predictors().get(0);
        assertThat(job.bins()).extracting(NaiveBayes.Bin::label).contains("missing", "astronaut, diver, other");
        assertThat(model.rate(Map.of("job", "s:pilot"))).isEqualTo(model.rate(Map.of("job", "s:astronaut")));
        assertThat(model.rate(Map.of("job", Bins.MISSING))).isGreaterThan(model.rate(Map.of("job", "s:admin.")));
    }

    @Test
    void correlatedCopiesAreDampedNotAddedUp() {
        Evidence one = new Evidence();
        Evidence copies = new Evidence();
        for (int x = 0; x < 100; x++) {
            String v = Bins.fine(x);
            one.add(Map.of("a", v), 100, x < 50 ? 10 : 40);
            copies.add(Map.of("a", v, "b", v, "c", v), 100, x < 50 ? 10 : 40);
        }
        double single = NaiveBayes.of(one).rate(Map.of("a", "n:70"));
        NaiveBayes three = NaiveBayes.of(copies);
        double tripled = three.rate(Map.of("a", "n:70", "b", "n:70", "c", "n:70"));
        double undamped = 1 / (1 + Math.exp(-(Math.log(0.25 / 0.75) + 3 * (logOdds(single) - Math.log(0.25 / 0.75)))));
        assertThat(three.damping()).isCloseTo(1 / (1 + 2 * NaiveBayes.Settings.DEFAULT.correlation()), within(1e-12));
        assertThat(tripled).isGreaterThan(single).isLessThan(undamped);
    }

    @Test
    void ratesStayInsideZeroAndOne() {
        Evidence e = new Evidence();
        for (int p = 0; p < 30; p++) {
            e.add(Map.of("p" + p, "s:yes"), 100_000, 100_000);
            e.add(Map.of("p" + p, "s:no"), 100_000, 0);
        }
        NaiveBayes model = NaiveBayes.of(e);
        Map<String, String> allYes = new java.util.HashMap<>();
        Map<String, String> allNo = new java.util.HashMap<>();
        for (int p = 0; p < 30; p++) {
            allYes.put("p" + p, "s:yes");
            allNo.put("p" + p, "s:no");
        }
        assertThat(model.rate(allYes)).isLessThan(1).isGreaterThan(0.99);
        assertThat(model.rate(allNo)).isGreaterThan(0).isLessThan(0.01);
    }

    private static double logOdds(double p) {
        return Math.log(p / (1 - p));
    }
}
