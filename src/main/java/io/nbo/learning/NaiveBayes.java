package io.nbo.learning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** A predictor's health: its bins (by ascending log-likelihood ratio), its own AUC, whether it scores. */
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

    private NaiveBayes(long trials, long positives, double damping, Table[] active, List<Predictor> predictors) {
        this.trials = trials;
        this.positives = positives;
        this.baseLogOdds = Math.log((Math.max(positives, 0) + 1.0) / (Math.max(trials - positives, 0) + 1.0));
        this.damping = damping;
        this.active = active;
        this.predictors = predictors;
    }

    /** The table of the evidence, with the default settings. */
    public static NaiveBayes of(Evidence evidence) {
        return of(evidence, Settings.DEFAULT);
    }

    public static NaiveBayes of(Evidence evidence, Settings settings) {
        List<Predictor> health = new ArrayList<>();
        List<Table> tables = new ArrayList<>();
        evidence.predictors().forEach((name, values) -> {
            Built built = build(name, values, settings);
            health.add(built.health);
            if (built.health.active()) {
                tables.add(built.table);
            }
        });
        double damping = tables.isEmpty() ? 1 : 1 / (1 + (tables.size() - 1) * settings.correlation());
        return new NaiveBayes(evidence.trials(), evidence.positives(), damping, tables.toArray(Table[]::new), List.copyOf(health));
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
        long trials;
        long positives;
        double low = Double.NaN;
        double high = Double.NaN;
        boolean residual;

        void add(String value, long trials, long positives, double x) {
            values.add(value);
            this.trials += trials;
            this.positives += positives;
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
            return g;
        }

        double rate() {
            return (positives + 0.5) / (trials + 1.0);
        }
    }

    private static Built build(String name, Map<String, Evidence.Counts> values, Settings settings) {
        Group missing = null;
        List<Map.Entry<String, Double>> numbers = new ArrayList<>();
        List<String> symbols = new ArrayList<>();
        long trials = 0;
        long positives = 0;
        for (Map.Entry<String, Evidence.Counts> e : values.entrySet()) {
            Evidence.Counts c = e.getValue();
            trials += c.trials();
            positives += Math.min(c.positives(), c.trials());  // a late positive without its trial is not counted
            double x = Bins.numeric(e.getKey());
            if (e.getKey().equals(Bins.MISSING)) {
                missing = new Group();
                missing.add(Bins.MISSING, c.trials(), Math.min(c.positives(), c.trials()), Double.NaN);
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
        for (Group g : all) {
            double smoothed = (g.positives + settings.smoothing() * predictorRate) / (g.trials + settings.smoothing());
            llr.put(g, logOdds(smoothed) - predictorLogOdds);
        }
        all.sort(Comparator.comparingDouble(llr::get));
        double auc = auc(all, trials, positives);
        boolean active = all.size() > 1 && auc >= settings.activeAuc();
        List<Bin> bins = all.stream().map(g -> new Bin(label(g, numeric), g.trials, g.positives, llr.get(g))).toList();

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

    private static List<Group> numericGroups(List<Map.Entry<String, Double>> numbers, Map<String, Evidence.Counts> values,
            Settings settings) {
        numbers.sort(Map.Entry.<String, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
        // Merging is quadratic in the bins; Evidence bounds the distinct values, so this bounds the bins too.
        long perBin = Math.max(settings.minBinTrials(), 1);
        List<Group> groups = new ArrayList<>();
        Group open = new Group();
        for (int i = 0; i < numbers.size(); i++) {
            Evidence.Counts c = values.get(numbers.get(i).getKey());
            double x = numbers.get(i).getValue();
            if (open.trials >= perBin && x > open.high) {
                groups.add(open);
                open = new Group();
            }
            open.add(numbers.get(i).getKey(), c.trials(), Math.min(c.positives(), c.trials()), x);
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

    private static List<Group> symbolicGroups(List<String> symbols, Map<String, Evidence.Counts> values, Settings settings) {
        List<Group> groups = new ArrayList<>();
        Group residual = new Group();
        residual.residual = true;
        symbols.sort(Comparator.naturalOrder());
        for (String s : symbols) {
            Evidence.Counts c = values.get(s);
            boolean ownBin = c.trials() >= settings.minBinTrials() && !s.equals(Evidence.OTHER);
            Group target = ownBin ? new Group() : residual;
            target.add(s, c.trials(), Math.min(c.positives(), c.trials()), Double.NaN);
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
        double pooled = (double) (a.positives + b.positives) / (a.trials + b.trials);
        if (pooled <= 0 || pooled >= 1) {
            return 0;
        }
        double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / a.trials + 1.0 / b.trials));
        return Math.abs((double) a.positives / a.trials - (double) b.positives / b.trials) / se;
    }

    /** The AUC of scoring each trial by its bin, bins sorted by ascending score (ties within a bin count half). */
    private static double auc(List<Group> ascending, long trials, long positives) {
        long negatives = trials - positives;
        if (positives == 0 || negatives == 0) {
            return 0.5;
        }
        double concordant = 0;
        long negativesBelow = 0;
        for (Group g : ascending) {
            long neg = g.trials - g.positives;
            concordant += g.positives * (negativesBelow + neg / 2.0);
            negativesBelow += neg;
        }
        return concordant / ((double) positives * negatives);
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

    private static double logOdds(double p) {
        return Math.log(p / (1 - p));
    }
}
