package io.nbo.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
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

    @Test
    void oneEpochBuildsTheSameTableAsItsEvidence() {
        Evidence e = step();
        e.add(Map.of("job", "s:student"), 300, 90);
        e.add(Map.of("job", "s:admin."), 300, 20);
        NaiveBayes whole = NaiveBayes.of(e);
        NaiveBayes epoch = NaiveBayes.of(Map.of(7L, e), 7, Recency.DEFAULT, NaiveBayes.Settings.DEFAULT);
        assertThat(epoch.predictors()).isEqualTo(whole.predictors());
        assertThat(epoch.baseRate()).isEqualTo(whole.baseRate());
        for (String x : new String[] {"n:10", "n:70", "n:-5", Bins.MISSING}) {
            for (String job : new String[] {"s:student", "s:admin.", "s:pilot"}) {
                Map<String, String> row = Map.of("x", x, "job", job);
                assertThat(epoch.rate(row)).isEqualTo(whole.rate(row));
            }
        }
    }

    @Test
    void epochsGiveTheSameTableWhateverOrderTheirCountsArriveIn() {
        Random random = new Random(15);
        List<Map<String, String>> rows = new ArrayList<>();
        List<long[]> counts = new ArrayList<>();  // epoch, trials, positives
        for (int i = 0; i < 3000; i++) {
            long epoch = i / 500;
            rows.add(Map.of("age", Bins.fine(18 + random.nextInt(70)), "job", "s:j" + random.nextInt(8),
                    "rate", Bins.fine(0.5 + epoch / 10.0)));
            counts.add(new long[] {epoch, 1, random.nextDouble() < 0.05 + 0.05 * epoch ? 1 : 0});
        }
        Map<Long, Evidence> inOrder = new TreeMap<>();
        for (int i = 0; i < rows.size(); i++) {
            inOrder.computeIfAbsent(counts.get(i)[0], k -> new Evidence()).add(rows.get(i), counts.get(i)[1], counts.get(i)[2]);
        }
        // Shuffled, each epoch split over two copies merged later, trials and positives added apart.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        Map<Long, Evidence> left = new HashMap<>();
        Map<Long, Evidence> right = new HashMap<>();
        for (int i : order) {
            Map<Long, Evidence> copy = random.nextBoolean() ? left : right;
            Evidence target = copy.computeIfAbsent(counts.get(i)[0], k -> new Evidence());
            target.add(rows.get(i), counts.get(i)[1], 0);
            target.add(rows.get(i), 0, counts.get(i)[2]);
        }
        right.forEach((epoch, e) -> left.merge(epoch, e, (a, b) -> {
            a.merge(b);
            return a;
        }));
        NaiveBayes a = NaiveBayes.of(inOrder, 5, Recency.DEFAULT, NaiveBayes.Settings.DEFAULT);
        NaiveBayes b = NaiveBayes.of(left, 5, Recency.DEFAULT, NaiveBayes.Settings.DEFAULT);
        assertThat(b.predictors()).isEqualTo(a.predictors());
        for (Map<String, String> row : rows.subList(0, 200)) {
            assertThat(b.rate(row)).isEqualTo(a.rate(row));
        }
    }

    /**
     * Epoch 0 at about 5 %, epoch 1 at about 30 %; "indicator" takes one value per epoch (it tells the time, as the
     * bank data's economic indicators do); "contact" tells customers apart within each epoch.
     */
    private static Map<Long, Evidence> drifting() {
        Evidence early = new Evidence();
        early.add(Map.of("indicator", "n:1", "contact", "s:cellular"), 1000, 80);
        early.add(Map.of("indicator", "n:1", "contact", "s:telephone"), 1000, 20);
        Evidence late = new Evidence();
        late.add(Map.of("indicator", "n:2", "contact", "s:cellular"), 1000, 400);
        late.add(Map.of("indicator", "n:2", "contact", "s:telephone"), 1000, 200);
        return Map.of(0L, early, 1L, late);
    }

    @Test
    void withinEpochsAPredictorThatOnlyTellsTheTimeScoresNothing() {
        Map<Long, Evidence> epochs = drifting();
        NaiveBayes byEpoch = NaiveBayes.of(epochs, 1, new Recency(1e9, 2), NaiveBayes.Settings.DEFAULT);
        Evidence merged = epochs.get(0L).copy();
        merged.merge(epochs.get(1L));
        NaiveBayes pooled = NaiveBayes.of(merged);

        assertThat(byEpoch.predictors()).filteredOn(p -> p.name().equals("indicator")).singleElement().satisfies(p -> {
            assertThat(p.bins()).allSatisfy(bin -> assertThat(bin.logLikelihoodRatio()).isCloseTo(0, within(0.01)));
            assertThat(p.auc()).isEqualTo(0.5);  // within each epoch it has one value: it ranks nothing
            assertThat(p.active()).isFalse();
        });
        assertThat(pooled.predictors()).filteredOn(p -> p.name().equals("indicator")).singleElement()
                .satisfies(p -> assertThat(p.active()).isTrue());
        double early = byEpoch.rate(Map.of("indicator", "n:1", "contact", "s:cellular"));
        double late = byEpoch.rate(Map.of("indicator", "n:2", "contact", "s:cellular"));
        assertThat(late / early).isCloseTo(1, within(0.02));
        assertThat(pooled.rate(Map.of("indicator", "n:2", "contact", "s:cellular")))
                .isGreaterThan(2 * pooled.rate(Map.of("indicator", "n:1", "contact", "s:cellular")));
        // contact still ranks, by its effect within each epoch
        assertThat(byEpoch.rate(Map.of("indicator", "n:2", "contact", "s:cellular")))
                .isGreaterThan(byEpoch.rate(Map.of("indicator", "n:2", "contact", "s:telephone")));
    }

    @Test
    void recentEpochsWeighMoreAndOthersNotAtAll() {
        Map<Long, Evidence> epochs = new HashMap<>();
        for (long epoch = 0; epoch < 5; epoch++) {
            Evidence e = new Evidence();
            e.add(Map.of("x", "s:a"), 1000, epoch < 4 ? 100 : 300);
            epochs.put(epoch, e);
        }
        Recency recency = new Recency(1, 5);
        NaiveBayes model = NaiveBayes.of(epochs, 4, recency, NaiveBayes.Settings.DEFAULT);
        double weighted = 0;
        double weights = 0;
        for (long epoch = 0; epoch < 5; epoch++) {
            weighted += recency.weight(4 - epoch) * (epoch < 4 ? 0.1 : 0.3);
            weights += recency.weight(4 - epoch);
        }
        assertThat(model.baseRate()).isCloseTo(weighted / weights, within(1e-3)).isGreaterThan(0.2);
        assertThat(model.trials()).isEqualTo(5000);

        Evidence future = new Evidence();
        future.add(Map.of("x", "s:b"), 1000, 1000);
        Evidence old = future.copy();
        epochs.put(5L, future);
        epochs.put(-1L, old);  // 5 epochs before the current one: no longer kept
        NaiveBayes same = NaiveBayes.of(epochs, 4, recency, NaiveBayes.Settings.DEFAULT);
        assertThat(same.baseRate()).isEqualTo(model.baseRate());
        assertThat(same.predictors()).isEqualTo(model.predictors());
        assertThat(same.trials()).isEqualTo(5000);
    }

    private static double logOdds(double p) {
        return Math.log(p / (1 - p));
    }
}
