package io.nbo.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EvidenceTest {

    /** One increment: predictor values, trials, positives. */
    record Add(Map<String, String> values, long trials, long positives) {
        void to(Evidence e) {
            e.add(values, trials, positives);
        }
    }

    /** Customers with a numeric age, a job and sometimes a missing region; every fifth one responds. */
    static List<Add> adds(int count, long seed) {
        Random random = new Random(seed);
        String[] jobs = {"admin.", "services", "retired", "student", "technician"};
        List<Add> adds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, String> values = Map.of(
                    "age", Bins.fine(18 + random.nextInt(70)),
                    "job", Bins.fine(jobs[random.nextInt(jobs.length)]),
                    "region", random.nextInt(4) == 0 ? Bins.MISSING : Bins.fine("r" + random.nextInt(3)));
            adds.add(new Add(values, 1, 0));
            if (i % 5 == 0) {
                adds.add(new Add(values, 0, 1));  // the response comes later than its impression
            }
        }
        return adds;
    }

    @Test
    void addsCommute() {
        List<Add> adds = adds(2000, 1);
        List<Add> shuffled = new ArrayList<>(adds);
        Collections.shuffle(shuffled, new Random(2));
        Evidence inOrder = new Evidence();
        Evidence reordered = new Evidence();
        adds.forEach(a -> a.to(inOrder));
        shuffled.forEach(a -> a.to(reordered));

        assertThat(reordered).isEqualTo(inOrder);
        assertThat(reordered.predictors()).isEqualTo(inOrder.predictors());
        NaiveBayes one = NaiveBayes.of(inOrder);
        NaiveBayes other = NaiveBayes.of(reordered);
        assertThat(other.predictors()).isEqualTo(one.predictors());
        for (Add a : adds) {
            assertThat(other.rate(a.values())).isEqualTo(one.rate(a.values()));
        }
    }

    @Test
    void mergingSplitsIsAddingEverything() {
        List<Add> adds = adds(1000, 3);
        Evidence all = new Evidence();
        adds.forEach(a -> a.to(all));
        Evidence first = new Evidence();
        Evidence second = new Evidence();
        for (int i = 0; i < adds.size(); i++) {
            adds.get(i).to(i % 3 == 0 ? first : second);
        }
        Evidence merged = second.copy();
        merged.merge(first);
        assertThat(merged).isEqualTo(all);
        assertThat(merged.trials()).isEqualTo(1000);
        assertThat(merged.positives()).isEqualTo(200);
    }

    @Test
    void countsPerPredictorValue() {
        Evidence e = new Evidence();
        e.add(Map.of("job", "s:admin.", "age", "n:30"), 3, 1);
        e.add(Map.of("job", "s:admin."), 2, 2);
        e.add(Map.of(), 5, 0);
        assertThat(e.trials()).isEqualTo(10);
        assertThat(e.positives()).isEqualTo(3);
        assertThat(e.predictors()).isEqualTo(Map.of(
                "job", Map.of("s:admin.", new Evidence.Counts(5, 3)),
                "age", Map.of("n:30", new Evidence.Counts(3, 1))));
        assertThatThrownBy(() -> e.predictors().put("x", Map.of())).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void copiesAreIndependentAndClearForgets() {
        Evidence e = new Evidence();
        e.add(Map.of("job", "s:admin."), 1, 1);
        Evidence copy = e.copy();
        e.add(Map.of("job", "s:admin."), 1, 0);
        assertThat(copy.trials()).isEqualTo(1);
        assertThat(copy).isNotEqualTo(e);
        e.clear();
        assertThat(e).isEqualTo(new Evidence());
        assertThat(e.predictors()).isEmpty();
    }

    @Test
    void incrementsAreNeverNegative() {
        Evidence e = new Evidence();
        assertThatThrownBy(() -> e.add(Map.of(), -1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> e.add(Map.of(), 0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void manyNumbersAreCoarsenedWithinTheBoundAndKeepTheirTotals() {
        Evidence e = new Evidence(50);
        for (int i = 0; i < 5000; i++) {
            e.add(Map.of("income", Bins.fine(1000 + i * 7.3)), 1, i % 10 == 0 ? 1 : 0);
        }
        Map<String, Evidence.Counts> income = e.predictors().get("income");
        assertThat(income.size()).isLessThanOrEqualTo(50);
        assertThat(income.values().stream().mapToLong(Evidence.Counts::trials).sum()).isEqualTo(5000);
        assertThat(income.values().stream().mapToLong(Evidence.Counts::positives).sum()).isEqualTo(500);
        assertThat(e.step("income")).isPositive();
        // still numbers, just coarser ones
        assertThat(income.keySet()).allSatisfy(v -> assertThat(Bins.numeric(v)).isNotNaN());
    }

    @Test
    void manySymbolsAreFoldedIntoOtherWithinTheBoundAndKeepTheirTotals() {
        Evidence e = new Evidence(20);
        for (int i = 0; i < 3000; i++) {
            e.add(Map.of("customer", "s:c" + (i % 1000)), 1, 0);
        }
        e.add(Map.of("customer", Bins.MISSING), 1, 1);
        Map<String, Evidence.Counts> customer = e.predictors().get("customer");
        long kept = customer.keySet().stream().filter(v -> !v.equals(Evidence.OTHER) && !v.equals(Bins.MISSING)).count();
        assertThat(kept).isLessThanOrEqualTo(20);
        assertThat(customer).containsKey(Evidence.OTHER).containsEntry(Bins.MISSING, new Evidence.Counts(1, 1));
        assertThat(customer.values().stream().mapToLong(Evidence.Counts::trials).sum()).isEqualTo(3001);
    }

    @Test
    void theBoundKeepsAddsCommutative() {
        List<Add> adds = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            adds.add(new Add(Map.of("customer", "s:c" + (i * 31 % 997), "income", Bins.fine(i * 13.7)), 1, i % 7 == 0 ? 1 : 0));
        }
        Evidence inOrder = new Evidence(30);
        adds.forEach(a -> a.to(inOrder));
        for (long seed = 0; seed < 3; seed++) {
            List<Add> shuffled = new ArrayList<>(adds);
            Collections.shuffle(shuffled, new Random(seed));
            Evidence reordered = new Evidence(30);
            Evidence half = new Evidence(30);
            for (int i = 0; i < shuffled.size(); i++) {
                shuffled.get(i).to(i % 2 == 0 ? reordered : half);
            }
            reordered.merge(half);
            assertThat(reordered).isEqualTo(inOrder);
        }
    }
}
