package io.nbo.learning;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one offer × channel model has seen: trials, positives, and per predictor, per {@link Bins#fine fine} value,
 * its trials and positives. Add-only (plus {@link #clear}); adds and {@link #merge merges} commute: the same adds
 * in any order, split over any number of copies that are merged, give equal evidence. Not thread-safe: the store
 * that holds it guards it.
 *
 * <p>Memory is bounded: a predictor keeps at most {@code maxValues} distinct values besides missing and
 * {@link #OTHER}. Past that it coarsens, in a fixed sequence of steps, until it fits again: numbers cut to 2, then
 * 1 significant digit ({@link Bins#coarser}); then, level by level, every value whose (fixed, spread) hash does not
 * end in {@code level} zero bits is folded into {@link #OTHER}, about half the remaining values each level. Counts
 * are moved, never dropped, so totals stay exact. The step a predictor is at is the first one at which all the
 * values it has seen fit: a function of the set of values alone, which is what keeps adds commutative.
 */
public final class Evidence {

    /** The fine value that values folded away by the memory bound are counted under. */
    public static final String OTHER = Bins.SYMBOL + "…other";
    /** The default bound on the distinct values of one predictor. */
    public static final int DEFAULT_MAX_VALUES = 1000;

    /** Trials and positives of one value (or of a whole model). */
    public record Counts(long trials, long positives) {
    }

    private static final int COARSE_STEPS = Bins.DIGITS - 1;  // 3 → 2 → 1 significant digits
    private static final int MAX_STEP = COARSE_STEPS + 31;

    private final int maxValues;
    private long trials;
    private long positives;
    private final Map<String, Predictor> predictors = new HashMap<>();

    /** Evidence with the default bound of {@value #DEFAULT_MAX_VALUES} distinct values per predictor. */
    public Evidence() {
        this(DEFAULT_MAX_VALUES);
    }

    public Evidence(int maxValues) {
        if (maxValues < 1) {
            throw new IllegalArgumentException("maxValues must be at least 1: " + maxValues);
        }
        this.maxValues = maxValues;
    }

    /**
     * Counts {@code trials} and {@code positives} for the model and for each predictor's value. The increments are
     * independent (an impression adds a trial, its later response a positive with the same predictors), never
     * negative. A null value counts as missing.
     */
    public void add(Map<String, String> predictorValues, long trials, long positives) {
        if (trials < 0 || positives < 0) {
            throw new IllegalArgumentException("increments are never negative: trials " + trials + ", positives " + positives);
        }
        this.trials += trials;
        this.positives += positives;
        predictorValues.forEach((name, value) -> predictor(name).add(value == null ? Bins.MISSING : value, trials, positives));
    }

    /** Counts trials and positives for the model alone, as the models hash holds its totals. */
    public void addTotals(long trials, long positives) {
        add(Map.of(), trials, positives);
    }

    /** Counts trials and positives for one predictor's value alone, as the models hash holds them. */
    public void addValue(String predictor, String value, long trials, long positives) {
        if (trials < 0 || positives < 0) {
            throw new IllegalArgumentException("increments are never negative: trials " + trials + ", positives " + positives);
        }
        predictor(predictor).add(value == null ? Bins.MISSING : value, trials, positives);
    }

    /** Adds everything {@code other} has seen, as if its adds had been made here. */
    public void merge(Evidence other) {
        if (other == this) {
            merge(copy());
            return;
        }
        trials += other.trials;
        positives += other.positives;
        other.predictors.forEach((name, theirs) -> {
            Predictor mine = predictor(name);
            int step = Math.max(mine.step, theirs.step);
            mine.rekey(step);
            theirs.values.forEach((value, counts) -> mine.values.computeIfAbsent(key(value, step), k -> new long[2]));
            theirs.values.forEach((value, counts) -> {
                long[] target = mine.values.get(key(value, step));
                target[0] += counts[0];
                target[1] += counts[1];
            });
            mine.fit();
        });
    }

    /** Forgets everything. */
    public void clear() {
        trials = 0;
        positives = 0;
        predictors.clear();
    }

    /** An independent copy. */
    public Evidence copy() {
        Evidence copy = new Evidence(maxValues);
        copy.merge(this);
        return copy;
    }

    public long trials() {
        return trials;
    }

    public long positives() {
        return positives;
    }

    public int maxValues() {
        return maxValues;
    }

    /** The counts per predictor, per fine value: a read-only snapshot, sorted by name and value. */
    public Map<String, Map<String, Counts>> predictors() {
        Map<String, Map<String, Counts>> view = new TreeMap<>();
        predictors.forEach((name, p) -> {
            Map<String, Counts> values = new TreeMap<>();
            p.values.forEach((value, c) -> values.put(value, new Counts(c[0], c[1])));
            view.put(name, Collections.unmodifiableMap(values));
        });
        return Collections.unmodifiableMap(view);
    }

    /** How far a predictor has been coarsened: 0 while it keeps its fine values (tests and model health). */
    int step(String predictor) {
        Predictor p = predictors.get(predictor);
        return p == null ? 0 : p.step;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Evidence e && e.trials == trials && e.positives == positives && e.predictors().equals(predictors());
    }

    @Override
    public int hashCode() {
        return Objects.hash(trials, positives, predictors());
    }

    @Override
    public String toString() {
        return "Evidence[trials=" + trials + ", positives=" + positives + ", predictors=" + predictors.keySet() + "]";
    }

    private Predictor predictor(String name) {
        return predictors.computeIfAbsent(Objects.requireNonNull(name, "predictor name"), n -> new Predictor());
    }

    /** The key a fine value is counted under at a step; key(key(v, s), t) == key(v, t) for s ≤ t. */
    static String key(String fine, int step) {
        if (step == 0 || fine.equals(Bins.MISSING) || fine.equals(OTHER)) {
            return fine;
        }
        String coarse = Bins.coarser(fine, Bins.DIGITS - Math.min(step, COARSE_STEPS));
        int level = step - COARSE_STEPS;
        if (level <= 0) {
            return coarse;
        }
        int mask = level >= 31 ? -1 : (1 << level) - 1;
        return (spread(coarse.hashCode()) & mask) == 0 ? coarse : OTHER;
    }

    // String.hashCode is fixed by the language spec, so the folding is the same on every JVM; the finaliser of
    // MurmurHash3 spreads it so that the low bits depend on every character.
    private static int spread(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }

    /** One predictor's counts: fine (or coarsened) value → {trials, positives}. */
    private final class Predictor {
        int step;
        Map<String, long[]> values = new HashMap<>();

        void add(String fine, long trials, long positives) {
            long[] counts = values.computeIfAbsent(key(fine, step), k -> new long[2]);
            counts[0] += trials;
            counts[1] += positives;
            fit();
        }

        /** Coarsens, step by step, until the distinct values fit the bound. */
        void fit() {
            while (distinct() > maxValues && step < MAX_STEP) {
                rekey(step + 1);
            }
        }

        void rekey(int to) {
            if (to <= step) {
                return;
            }
            Map<String, long[]> coarser = new HashMap<>();
            values.forEach((value, counts) -> {
                long[] target = coarser.computeIfAbsent(key(value, to), k -> new long[2]);
                target[0] += counts[0];
                target[1] += counts[1];
            });
            values = coarser;
            step = to;
        }

        private int distinct() {
            return values.size() - (values.containsKey(Bins.MISSING) ? 1 : 0) - (values.containsKey(OTHER) ? 1 : 0);
        }
    }
}
