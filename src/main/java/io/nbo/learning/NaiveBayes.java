package io.nbo.learning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The contextual rate r(x) of one offer × channel: P(positive | predictor values), a naive Bayes scoring table built
 * from {@link Evidence}. Immutable and thread-safe; a replica rebuilds it per batch of increments and reads it on the
 * hot path. Everything in it is a deterministic function of the counts: the same evidence gives the same table on
 * every replica, whatever order the evidence arrived in.
 *
 * <p><b>Binning</b>, after Pega's adaptive models. Per predictor, missing has a bin of its own. Numeric values are
 * sorted and cut into equal-evidence bins of at least {@link Settings#minBinTrials} trials (never between equal
 * values); symbolic values with fewer trials than that are pooled into a residual bin, which also scores values never
 * seen. Then, repeatedly, the two neighbours (by value for numbers, by rate for symbols) whose rates differ least are
 * merged while their two-proportion z statistic is below {@link Settings#mergeZ} or there are more than
 * {@link Settings#maxBins} bins. Each bin's log-likelihood ratio is the log odds of its rate, smoothed towards the
 * predictor's rate by {@link Settings#smoothing} pseudo-trials, less the log odds of the predictor's rate.
 * Binning and merging use the (recency-weighted) counts pooled over epochs.
 *
 * <p><b>Calibration.</b> Naive Bayes adds the evidence of correlated predictors as if it were independent (the bank
 * data's economic indicators and month all tell the time), so its rates are too extreme. Two corrections, both
 * functions of the counts alone since the evidence keeps no joint counts to fit anything on: (1) predictors whose own
 * AUC is below {@link Settings#activeAuc} are inactive and do not score, as in Pega: they add noise and
 * overconfidence, not ranking; (2) the summed log-likelihood ratios of the k active predictors are damped by
 * 1 / (1 + (k − 1)·ρ) with ρ = {@link Settings#correlation}, the variance inflation of a sum of k terms with an
 * average correlation ρ: 1 when they are independent, 1/k when they are copies of one another. A global damping
 * does not change the ranking (so not the AUC), only how far rates stray from the base rate, which is what the blend
 * with the prior and Thompson sampling consume.
 *
 * <p><b>Drift.</b> Built from evidence kept per epoch ({@link #of(Map, long, Recency, Settings)}), the base rate is
 * the recency-weighted rate, and a bin's log-likelihood ratio is the shift δ of the log odds that explains its
 * positives given the rate of each epoch its trials came from (a conditional maximum-likelihood fit, Newton's
 * method on a monotone function of the counts, so still deterministic and order-free). When the rate drifts, a
 * predictor that merely tells the time (the bank data's economic indicators move with the yes-rate) then scores
 * about 0, since the weighted base rate already follows the time, while a predictor that tells customers apart
 * within each period keeps its weight; summed over the whole history instead, the time-like predictors dominate
 * the sum and blur the ranking within a period. A predictor's own AUC (what {@link Settings#activeAuc} is compared
 * with) is then counted over pairs of the same epoch only, so a time-like predictor is also inactive and costs
 * {@link #rate} nothing.
 */
public final class NaiveBayes {

    /**
     * How tables are built.
     *
     * @param minBinTrials fewest trials a numeric bin, or a symbol of its own, needs
     * @param maxBins most bins per kind (numeric, symbolic) of a predictor
     * @param mergeZ neighbours whose rates differ by less than this two-proportion z statistic are merged
     * @param smoothing pseudo-trials at the predictor's rate added to each bin
     * @param activeAuc predictors with a lower AUC do not score
     * @param correlation ρ, the assumed average correlation between active predictors (see the class comment)
     */
    public record Settings(long minBinTrials, int maxBins, double mergeZ, double smoothing, double activeAuc,
            double correlation) {
        /**
         * The defaults, chosen on the bank telemarketing data (load-tests/learning): bins of 20 trials, merged only
         * below z = 1, with 2 pseudo-trials, ranked best there prequentially (the time-like predictors need fine
         * bins to follow the drift); ρ = 0.4 gave the best log loss there.
         */
        public static final Settings DEFAULT = new Settings(20, 20, 1.0, 2, 0.52, 0.4);
    }

    /** One coarse bin of a predictor: a numeric range, the category values, or missing. */
    public record Bin(String label, long trials, long positives, double logLikelihoodRatio) {
    }

    /** A predictor's health: its bins (by ascending log-likelihood ratio), its own AUC (within epochs), whether it scores. */
    public record Predictor(String name, List<Bin> bins, double auc, boolean active) {
    }

    private static final double MAX_LOG_ODDS = 30;  // keeps rates strictly inside (0, 1)
    private static final int LABEL_VALUES = 10;

    private final long trials;
    private final long positives;
    private final double baseLogOdds;
    private final double damping;
    private final Table[] active;
    private final List<Predictor> predictors;

    private NaiveBayes(long trials, long positives, double baseLogOdds, double damping, Table[] active, List<Predictor> predictors) {
        this.trials = trials;
        this.positives = positives;
        this.baseLogOdds = baseLogOdds;
        this.damping = damping;
        this.active = active;
        this.predictors = predictors;
    }

    /** The table of the evidence, with the default settings. */
    public static NaiveBayes of(Evidence evidence) {
        return of(evidence, Settings.DEFAULT);
    }

    public static NaiveBayes of(Evidence evidence, Settings settings) {
        Map<String, Map<String, double[]>> counts = new TreeMap<>();
        evidence.predictors().forEach((name, values) -> {
            Map<String, double[]> weighted = new HashMap<>();
            values.forEach((value, c) -> {
                double positives = Math.min(c.positives(), c.trials());
                weighted.put(value, new double[] {c.trials(), positives, c.trials(), positives});
            });
            counts.put(name, weighted);
        });
        return build(evidence.trials(), evidence.positives(), evidence.trials(), evidence.positives(), counts, new double[] {1}, settings);
    }

    /**
     * The table of evidence kept per epoch (see {@link Recency}): each epoch's counts weigh
     * {@link Recency#weight recency.weight(current − epoch)}, epochs after {@code current} or no longer
     * {@link Recency#keeps kept} not at all; the base rate is the weighted rate, and each bin's log-likelihood ratio
     * is measured within epochs (see the class comment). With a single epoch, the same table as
     * {@link #of(Evidence, Settings)} of that epoch. Deterministic in the counts per epoch and the epoch indices, in
     * whatever order the map holds them: every replica that holds the same epochs builds the same table.
     */
    public static NaiveBayes of(Map<Long, Evidence> epochs, long current, Recency recency, Settings settings) {
        long trials = 0;
        long positives = 0;
        double weightedTrials = 0;
        double weightedPositives = 0;
        Map<String, Integer> steps = new TreeMap<>();
        Map<Long, Double> weights = new TreeMap<>();
        for (Map.Entry<Long, Evidence> e : epochs.entrySet()) {
            long age = current - e.getKey();
            if (age < 0 || !recency.keeps(age)) {
                continue;
            }
            double w = recency.weight(age);
            weights.put(e.getKey(), w);
            Evidence epoch = e.getValue();
            trials += epoch.trials();
            positives += epoch.positives();
            weightedTrials += w * epoch.trials();
            weightedPositives += w * Math.min(epoch.positives(), epoch.trials());
            // Epochs may have coarsened a predictor to different steps: all are counted at the coarsest.
            epoch.predictors().keySet().forEach(name -> steps.merge(name, epoch.step(name), Math::max));
        }
        Map<String, Map<String, double[]>> counts = new TreeMap<>();
        double[] epochWeights = weights.values().stream().mapToDouble(Double::doubleValue).toArray();
        int slot = 0;
        for (Map.Entry<Long, Double> e : weights.entrySet()) {
            int at = 2 + 2 * slot++;
            double w = e.getValue();
            epochs.get(e.getKey()).predictors().forEach((name, values) -> {
                Map<String, double[]> weighted = counts.computeIfAbsent(name, n -> new HashMap<>());
                int step = steps.get(name);
                values.forEach((value, c) -> {
                    double[] target = weighted.computeIfAbsent(Evidence.key(value, step), k -> new double[2 + 2 * epochWeights.length]);
                    double yes = Math.min(c.positives(), c.trials());
                    target[0] += w * c.trials();
                    target[1] += w * yes;
                    target[at] += w * c.trials();
                    target[at + 1] += w * yes;
                });
            });
        }
        return build(trials, positives, weightedTrials, weightedPositives, counts, epochWeights, settings);
    }

    private static NaiveBayes build(long trials, long positives, double weightedTrials, double weightedPositives,
            Map<String, Map<String, double[]>> counts, double[] epochWeights, Settings settings) {
        List<Predictor> health = new ArrayList<>();
        List<Table> tables = new ArrayList<>();
        counts.forEach((name, values) -> {
            Built built = build(name, values, epochWeights, settings);
            health.add(built.health);
            if (built.health.active()) {
                tables.add(built.table);
            }
        });
        double damping = tables.isEmpty() ? 1 : 1 / (1 + (tables.size() - 1) * settings.correlation());
        double baseLogOdds = Math.log((Math.max(weightedPositives, 0) + 1.0) / (Math.max(weightedTrials - weightedPositives, 0) + 1.0));
        return new NaiveBayes(trials, positives, baseLogOdds, damping, tables.toArray(Table[]::new), List.copyOf(health));
    }

    /**
     * P(positive | predictor values), strictly inside (0, 1). Predictors the table does not know, or that are
     * inactive, are ignored; with none, the smoothed base rate (positives + 1) / (trials + 2).
     */
    public double rate(Map<String, String> predictorValues) {
        return rate(predictorValues, baseLogOdds);
    }

    /**
     * How much the predictors' values move the log-odds away from the base rate: the damped sum of the active
     * predictors' log-likelihood ratios; 0 when none is active (too little evidence, or none separates anything).
     */
    public double shift(Map<String, String> predictorValues) {
        double sum = 0;
        for (Table table : active) {
            String value = predictorValues.get(table.name);
            if (value != null) {
                sum += table.logLikelihoodRatio(value);
            }
        }
        return damping * sum;
    }

    private double rate(Map<String, String> predictorValues, double baseLogOdds) {
        double sum = 0;
        for (Table table : active) {
            String value = predictorValues.get(table.name);
            if (value != null) {
                sum += table.logLikelihoodRatio(value);
            }
        }
        double logOdds = Math.max(-MAX_LOG_ODDS, Math.min(MAX_LOG_ODDS, baseLogOdds + damping * sum));
        return 1 / (1 + Math.exp(-logOdds));
    }

    /** The smoothed base rate, (positives + 1) / (trials + 2). */
    public double baseRate() {
        return 1 / (1 + Math.exp(-baseLogOdds));
    }

    public long trials() {
        return trials;
    }

    public long positives() {
        return positives;
    }

    /** The factor on the summed log-likelihood ratios (see the class comment). */
    public double damping() {
        return damping;
    }

    /** Every predictor with evidence, sorted by name, active or not. */
    public List<Predictor> predictors() {
        return predictors;
    }

    @Override
    public String toString() {
        return "NaiveBayes[trials=" + trials + ", positives=" + positives + ", active="
                + Arrays.stream(active).map(t -> t.name).toList() + ", damping=" + damping + "]";
    }

    /** A predictor's lookup: exact fine values first, then numeric bin bounds, then missing or the residual. */
    private static final class Table {
        final String name;
        final Map<String, Double> exact;
        final double[] cuts;          // cuts[i] is the lowest value of numeric bin i + 1
        final double[] numeric;       // per numeric bin
        final double residual;        // symbols not seen, or pooled
        final double missing;

        Table(String name, Map<String, Double> exact, double[] cuts, double[] numeric, double residual, double missing) {
            this.name = name;
            this.exact = exact;
            this.cuts = cuts;
            this.numeric = numeric;
            this.residual = residual;
            this.missing = missing;
        }

        double logLikelihoodRatio(String fine) {
            Double known = exact.get(fine);
            if (known != null) {
                return known;
            }
            if (fine.startsWith(Bins.NUMBER)) {
                double x = Bins.numeric(fine);
                if (Double.isNaN(x) || numeric.length == 0) {
                    return 0;
                }
                int at = Arrays.binarySearch(cuts, x);
                return numeric[at >= 0 ? at + 1 : -at - 1];
            }
            return fine.equals(Bins.MISSING) ? missing : residual;
        }
    }

    private record Built(Predictor health, Table table) {
    }

    /** A bin being built: its fine values, counts, and for numbers the lowest and highest value. */
    private static final class Group {
        final List<String> values = new ArrayList<>();
        double trials;
        double positives;
        double low = Double.NaN;
        double high = Double.NaN;
        boolean residual;
        double[] byEpoch = new double[0];  // trials and positives per epoch, weighted: t0, p0, t1, p1, ...

        void add(String value, double[] counts, double x) {
            values.add(value);
            this.trials += counts[0];
            this.positives += counts[1];
            byEpoch = sum(byEpoch, counts, 2);
            low = Double.isNaN(low) ? x : Math.min(low, x);
            high = Double.isNaN(high) ? x : Math.max(high, x);
        }

        Group plus(Group other) {
            Group g = new Group();
            g.values.addAll(values);
            g.values.addAll(other.values);
            g.trials = trials + other.trials;
            g.positives = positives + other.positives;
            g.low = Double.isNaN(low) ? other.low : Double.isNaN(other.low) ? low : Math.min(low, other.low);
            g.high = Double.isNaN(high) ? other.high : Double.isNaN(other.high) ? high : Math.max(high, other.high);
            g.residual = residual || other.residual;
            g.byEpoch = sum(byEpoch, other.byEpoch, 0);
            return g;
        }

        double rate() {
            return (positives + 0.5) / (trials + 1.0);
        }

        private static double[] sum(double[] a, double[] b, int from) {
            double[] out = new double[Math.max(a.length, b.length - from)];
            for (int i = 0; i < out.length; i++) {
                out[i] = (i < a.length ? a[i] : 0) + (from + i < b.length ? b[from + i] : 0);
            }
            return out;
        }
    }

    private static Built build(String name, Map<String, double[]> values, double[] epochWeights, Settings settings) {
        Group missing = null;
        List<Map.Entry<String, Double>> numbers = new ArrayList<>();
        List<String> symbols = new ArrayList<>();
        double trials = 0;
        double positives = 0;
        // Callers count a late positive without its trial out: positives <= trials per value (and per epoch).
        for (Map.Entry<String, double[]> e : values.entrySet()) {
            double[] c = e.getValue();
            trials += c[0];
            positives += c[1];
            double x = Bins.numeric(e.getKey());
            if (e.getKey().equals(Bins.MISSING)) {
                missing = new Group();
                missing.add(Bins.MISSING, c, Double.NaN);
            } else if (!Double.isNaN(x)) {
                numbers.add(Map.entry(e.getKey(), x));
            } else {
                symbols.add(e.getKey());
            }
        }
        List<Group> numeric = numericGroups(numbers, values, settings);
        List<Group> symbolic = symbolicGroups(symbols, values, settings);

        double predictorRate = (positives + 1.0) / (trials + 2.0);
        double predictorLogOdds = logOdds(predictorRate);
        Map<Group, Double> llr = new HashMap<>();
        List<Group> all = new ArrayList<>(numeric);
        all.addAll(symbolic);
        if (missing != null) {
            all.add(missing);
        }
        // Each epoch's own rate, as log odds: a bin's ratio is measured against the epochs its trials came from.
        double[] epochLogOdds = new double[epochWeights.length];
        double[] epochTotals = new double[2 * epochWeights.length];
        for (Group g : all) {
            for (int k = 0; k < g.byEpoch.length; k++) {
                epochTotals[k] += g.byEpoch[k];
            }
        }
        for (int k = 0; k < epochWeights.length; k++) {
            double w = epochWeights[k];
            epochLogOdds[k] = w > 0 ? logOdds((epochTotals[2 * k + 1] / w + 1.0) / (epochTotals[2 * k] / w + 2.0)) : 0;
        }
        for (Group g : all) {
            llr.put(g, shift(g, epochLogOdds, predictorLogOdds, settings.smoothing()));
        }
        all.sort(Comparator.comparingDouble(llr::get));
        double auc = auc(all, epochWeights.length);
        boolean active = all.size() > 1 && auc >= settings.activeAuc();
        List<Bin> bins = all.stream().map(g -> new Bin(label(g, numeric), Math.round(g.trials), Math.round(g.positives), llr.get(g))).toList();

        Map<String, Double> exact = new HashMap<>();
        double residual = 0;
        for (Group g : all) {
            g.values.forEach(v -> exact.put(v, llr.get(g)));
            if (g.residual) {
                residual = llr.get(g);
            }
        }
        double[] cuts = new double[Math.max(numeric.size() - 1, 0)];
        double[] numericLlr = new double[numeric.size()];
        for (int i = 0; i < numeric.size(); i++) {
            numericLlr[i] = llr.get(numeric.get(i));
            if (i > 0) {
                cuts[i - 1] = numeric.get(i).low;
            }
        }
        Table table = new Table(name, exact, cuts, numericLlr, residual, missing == null ? 0 : llr.get(missing));
        return new Built(new Predictor(name, bins, auc, active), table);
    }

    private static List<Group> numericGroups(List<Map.Entry<String, Double>> numbers, Map<String, double[]> values,
            Settings settings) {
        numbers.sort(Map.Entry.<String, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
        // Merging is quadratic in the bins; Evidence bounds the distinct values, so this bounds the bins too.
        double perBin = Math.max(settings.minBinTrials(), 1);
        List<Group> groups = new ArrayList<>();
        Group open = new Group();
        for (int i = 0; i < numbers.size(); i++) {
            double[] c = values.get(numbers.get(i).getKey());
            double x = numbers.get(i).getValue();
            if (open.trials >= perBin && x > open.high) {
                groups.add(open);
                open = new Group();
            }
            open.add(numbers.get(i).getKey(), c, x);
        }
        if (!open.values.isEmpty()) {
            if (open.trials < perBin && !groups.isEmpty()) {
                groups.set(groups.size() - 1, groups.get(groups.size() - 1).plus(open));
            } else {
                groups.add(open);
            }
        }
        mergeNeighbours(groups, settings);
        return groups;
    }

    private static List<Group> symbolicGroups(List<String> symbols, Map<String, double[]> values, Settings settings) {
        List<Group> groups = new ArrayList<>();
        Group residual = new Group();
        residual.residual = true;
        symbols.sort(Comparator.naturalOrder());
        for (String s : symbols) {
            double[] c = values.get(s);
            boolean ownBin = c[0] >= settings.minBinTrials() && !s.equals(Evidence.OTHER);
            Group target = ownBin ? new Group() : residual;
            target.add(s, c, Double.NaN);
            if (ownBin) {
                groups.add(target);
            }
        }
        if (!groups.isEmpty() || !residual.values.isEmpty()) {
            groups.add(residual);
        }
        // Symbols have no order of their own: neighbours by rate, so merging groups symbols that behave alike.
        groups.sort(Comparator.comparingDouble(Group::rate).thenComparing(g -> g.values.isEmpty() ? "" : g.values.get(0)));
        mergeNeighbours(groups, settings);
        return groups;
    }

    /** Merges the two neighbours that differ least, as long as they do not differ or there are too many bins. */
    private static void mergeNeighbours(List<Group> groups, Settings settings) {
        while (groups.size() > 1) {
            int best = -1;
            double bestZ = Double.POSITIVE_INFINITY;
            for (int i = 0; i + 1 < groups.size(); i++) {
                double z = z(groups.get(i), groups.get(i + 1));
                if (z < bestZ) {
                    bestZ = z;
                    best = i;
                }
            }
            if (bestZ >= settings.mergeZ() && groups.size() <= settings.maxBins()) {
                return;
            }
            groups.set(best, groups.get(best).plus(groups.get(best + 1)));
            groups.remove(best + 1);
        }
    }

    /** The two-proportion z statistic of two bins' rates; 0 when either is empty or the pooled rate is 0 or 1. */
    static double z(Group a, Group b) {
        if (a.trials == 0 || b.trials == 0) {
            return 0;
        }
        double pooled = (a.positives + b.positives) / (a.trials + b.trials);
        if (pooled <= 0 || pooled >= 1) {
            return 0;
        }
        double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / a.trials + 1.0 / b.trials));
        return Math.abs(a.positives / a.trials - b.positives / b.trials) / se;
    }

    /**
     * The AUC of scoring each trial by its bin, bins sorted by ascending score (ties within a bin count half), over the
     * pairs of the same epoch only: with one epoch, all pairs; with several, a predictor that only tells epochs apart
     * ranks nothing, as {@link Auc#within} measures a model.
     */
    private static double auc(List<Group> ascending, int epochs) {
        double concordant = 0;
        double pairs = 0;
        for (int k = 0; k < epochs; k++) {
            double positives = 0;
            double negatives = 0;
            double negativesBelow = 0;
            double epochConcordant = 0;
            for (Group g : ascending) {
                double t = 2 * k < g.byEpoch.length ? g.byEpoch[2 * k] : 0;
                double pos = 2 * k + 1 < g.byEpoch.length ? g.byEpoch[2 * k + 1] : 0;
                double neg = t - pos;
                epochConcordant += pos * (negativesBelow + neg / 2.0);
                negativesBelow += neg;
                positives += pos;
                negatives += neg;
            }
            concordant += epochConcordant;
            pairs += positives * negatives;
        }
        return pairs > 0 ? concordant / pairs : 0.5;
    }

    private static String label(Group g, List<Group> numeric) {
        int at = numeric.indexOf(g);
        if (at >= 0) {
            String low = Bins.fine(g.low).substring(Bins.NUMBER.length());
            String next = at + 1 < numeric.size() ? Bins.fine(numeric.get(at + 1).low).substring(Bins.NUMBER.length()) : null;
            if (numeric.size() == 1) {
                return "any number";
            }
            return at == 0 ? "< " + next : next == null ? ">= " + low : "[" + low + ", " + next + ")";
        }
        if (g.values.equals(List.of(Bins.MISSING))) {
            return "missing";
        }
        List<String> names = g.values.stream().filter(v -> !v.equals(Evidence.OTHER))
                .map(v -> v.startsWith(Bins.SYMBOL) ? v.substring(Bins.SYMBOL.length()) : v).sorted().toList();
        String listed = names.stream().limit(LABEL_VALUES).collect(Collectors.joining(", "));
        if (names.size() > LABEL_VALUES) {
            listed += ", +" + (names.size() - LABEL_VALUES) + " more";
        }
        return g.residual ? (listed.isEmpty() ? "other" : listed + ", other") : listed;
    }

    /**
     * The bin's log-odds ratio δ: the shift of every epoch's log odds b<sub>k</sub> that explains its positives,
     * Σ<sub>k</sub> t<sub>k</sub>·σ(b<sub>k</sub> + δ) + s·σ(b + δ) = positives + s·σ(b), with s pseudo-trials at the
     * predictor's log odds b. With one epoch, the log odds of the smoothed rate (positives + s·rate) / (trials + s)
     * less b; with several, the bin is compared within each epoch, so a value that is merely common when the rate
     * is high (a time-like predictor) gets no credit for it: the epochs' rates already tell the time.
     */
    private static double shift(Group g, double[] epochLogOdds, double b, double s) {
        double target = g.positives + s * sigmoid(b);
        double delta = 0;
        for (int iteration = 0; iteration < 50; iteration++) {
            double f = s * sigmoid(b + delta) - target;
            double slope = s * sigmoid(b + delta) * (1 - sigmoid(b + delta));
            for (int k = 0; 2 * k < g.byEpoch.length; k++) {
                double p = sigmoid(epochLogOdds[k] + delta);
                f += g.byEpoch[2 * k] * p;
                slope += g.byEpoch[2 * k] * p * (1 - p);
            }
            if (slope <= 0) {
                break;
            }
            double step = Math.max(-2, Math.min(2, f / slope));  // f is increasing in δ: damped Newton converges
            delta -= step;
            if (Math.abs(step) < 1e-10) {
                break;
            }
        }
        return Math.max(-MAX_LOG_ODDS, Math.min(MAX_LOG_ODDS, delta));
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static double logOdds(double p) {
        return Math.log(p / (1 - p));
    }
}
