import io.nbo.learning.Auc;
import io.nbo.learning.Bins;
import io.nbo.learning.Evidence;
import io.nbo.learning.NaiveBayes;
import io.nbo.learning.Recency;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The contextual model on the bank telemarketing data, prequentially: each row (a customer and their answer) is
 * scored before it is learnt from, in file order; the scoring table is rebuilt every --batch rows, as a replica
 * rebuilds it per batch of increments. Prints AUC overall and within blocks of --block rows against the base rate
 * alone, calibration, the time per rate() call and the final model's predictors (load-tests/README.md, "Learning:
 * bank telemarketing"). Arguments: --data FILE --batch B --block N --markdown FILE (the README section's figures);
 * the evidence is kept per epoch of --epoch rows (default 500; 0 learns from the whole history as one Evidence) and
 * the table built with Recency(--half-life epochs, default 4; --epochs kept, default 32), the values chosen on the first
 * half of the file (--rows 20594). For experiments: the NaiveBayes.Settings as --min-bin --max-bins --merge-z
 * --smoothing --active-auc --correlation, --drop a,b (predictors to leave out), --rows N (the first N rows only),
 * --timing-passes P (rate() timing passes, default 50) and --in-sample 1.
 */
public final class BankPrequential {

    public static void main(String[] args) throws IOException {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path data = Path.of(opts.getOrDefault("data", "../shared/datasets/bank_marketing/bank-additional-full.csv"));
        int batch = Integer.parseInt(opts.getOrDefault("batch", "100"));
        int block = Integer.parseInt(opts.getOrDefault("block", "2000"));
        NaiveBayes.Settings d = NaiveBayes.Settings.DEFAULT;
        NaiveBayes.Settings settings = new NaiveBayes.Settings(
                Long.parseLong(opts.getOrDefault("min-bin", String.valueOf(d.minBinTrials()))),
                Integer.parseInt(opts.getOrDefault("max-bins", String.valueOf(d.maxBins()))),
                Double.parseDouble(opts.getOrDefault("merge-z", String.valueOf(d.mergeZ()))),
                Double.parseDouble(opts.getOrDefault("smoothing", String.valueOf(d.smoothing()))),
                Double.parseDouble(opts.getOrDefault("active-auc", String.valueOf(d.activeAuc()))),
                Double.parseDouble(opts.getOrDefault("correlation", String.valueOf(d.correlation()))));

        List<String> lines = Files.readAllLines(data);
        String[] header = unquote(lines.get(0).split(";"));
        int target = indexOf(header, "y");
        List<String> dropped = List.of(opts.getOrDefault("drop", "").split(","));
        List<Map<String, String>> rows = new ArrayList<>();
        boolean[] labels = new boolean[lines.size() - 1];
        for (int r = 1; r < lines.size(); r++) {
            String[] cells = unquote(lines.get(r).split(";", -1));
            Map<String, String> predictors = new HashMap<>();
            for (int c = 0; c < header.length; c++) {
                // duration is known only after the call: a model must not see it.
                if (c != target && !header[c].equals("duration") && !dropped.contains(header[c])) {
                    predictors.put(header[c], Bins.fine(cells[c]));
                }
            }
            rows.add(predictors);
            labels[r - 1] = cells[target].equals("yes");
        }

        int limit = Integer.parseInt(opts.getOrDefault("rows", "0"));
        if (limit > 0 && limit < rows.size()) {
            rows = rows.subList(0, limit);
        }
        int n = rows.size();

        Evidence evidence = new Evidence();
        // --epoch E: evidence kept per epoch of E rows (the store's epochs are periods of time; rows stand in for
        // time here), the table built from the recent epochs weighted by Recency(--half-life, --epochs).
        int epochRows = Integer.parseInt(opts.getOrDefault("epoch", "500"));
        Recency recency = new Recency(Double.parseDouble(opts.getOrDefault("half-life", String.valueOf(Recency.DEFAULT.halfLife()))),
                Integer.parseInt(opts.getOrDefault("epochs", String.valueOf(Recency.DEFAULT.epochs()))));
        Map<Long, Evidence> byEpoch = new HashMap<>();
        NaiveBayes model = NaiveBayes.of(evidence, settings);
        double[] scores = new double[n];
        double[] base = new double[n];
        int[] blocks = new int[n];
        long buildNanos = 0;
        int builds = 0;
        for (int i = 0; i < n; i++) {
            long epoch = epochRows > 0 ? i / epochRows : 0;
            if (i > 0 && i % batch == 0) {
                long t0 = System.nanoTime();
                model = epochRows > 0 ? NaiveBayes.of(byEpoch, epoch, recency, settings) : NaiveBayes.of(evidence, settings);
                buildNanos += System.nanoTime() - t0;
                builds++;
            }
            scores[i] = model.rate(rows.get(i));
            base[i] = model.baseRate();
            blocks[i] = i / block;
            evidence.add(rows.get(i), 1, labels[i] ? 1 : 0);
            if (epochRows > 0) {
                byEpoch.computeIfAbsent(epoch, e -> new Evidence()).add(rows.get(i), 1, labels[i] ? 1 : 0);
                byEpoch.keySet().removeIf(e -> !recency.keeps(epoch - e));
            }
        }

        // --in-sample 1: score every row with the final table instead (an optimistic ceiling, not the figure).
        if (opts.containsKey("in-sample")) {
            NaiveBayes all = NaiveBayes.of(evidence, settings);
            for (int i = 0; i < n; i++) {
                scores[i] = all.rate(rows.get(i));
            }
        }
        labels = java.util.Arrays.copyOf(labels, n);
        double auc = Auc.of(scores, labels);
        double aucBase = Auc.of(base, labels);
        double within = Auc.within(scores, labels, blocks);
        double withinBase = Auc.within(base, labels, blocks);
        int positives = 0;
        double meanScore = 0;
        double logLoss = 0;
        double logLossBase = 0;
        for (int i = 0; i < n; i++) {
            positives += labels[i] ? 1 : 0;
            meanScore += scores[i] / n;
            logLoss -= Math.log(labels[i] ? scores[i] : 1 - scores[i]) / n;
            logLossBase -= Math.log(labels[i] ? base[i] : 1 - base[i]) / n;
        }
        String calibration = calibration(scores, labels);

        // The hot path: rate() with the final table over every row, after a warm-up; single-threaded.
        NaiveBayes last = epochRows > 0 ? NaiveBayes.of(byEpoch, (n - 1) / epochRows, recency, settings) : NaiveBayes.of(evidence, settings);
        double sink = 0;
        int passes = Integer.parseInt(opts.getOrDefault("timing-passes", "50"));
        for (int pass = 0; pass < Math.min(passes, 20); pass++) {
            for (Map<String, String> row : rows) {
                sink += last.rate(row);
            }
        }
        long t0 = System.nanoTime();
        for (int pass = 0; pass < passes; pass++) {
            for (Map<String, String> row : rows) {
                sink += last.rate(row);
            }
        }
        double nanosPerRate = (System.nanoTime() - t0) / (double) (passes * n);
        long activeCount = last.predictors().stream().filter(NaiveBayes.Predictor::active).count();

        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%d rows (%d yes, %.1f %%), %d predictors (`duration` dropped), scored before learning each row;"
                        + " table rebuilt every %d rows (%d builds, %.2f ms each on average); blocks of %d rows for the within-block AUC."
                        + " Evidence %s. Settings: %s.%n%n",
                n, positives, 100.0 * positives / n, rows.get(0).size(), batch, builds, buildNanos / 1e6 / Math.max(builds, 1), block,
                epochRows > 0 ? "kept per epoch of " + epochRows + " rows, " + recency : "of the whole history", settings));
        md.append("| scores | AUC overall | AUC within blocks | log loss | mean rate |\n|---|---|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| naive Bayes r(x) | %.4f | %.4f | %.4f | %.4f |%n", auc, within, logLoss, meanScore));
        md.append(String.format(Locale.ROOT, "| base rate alone | %.4f | %.4f | %.4f | %.4f |%n", aucBase, withinBase, logLossBase,
                mean(base)));
        md.append(String.format(Locale.ROOT, "%nTargets: AUC overall >= 0.78: %s; within blocks >= 0.60: %s. Observed yes-rate %.4f.%n",
                auc >= 0.78 ? "met" : "NOT met", within >= 0.60 ? "met" : "NOT met", (double) positives / n));
        md.append(String.format(Locale.ROOT, "%nrate() with the final table: %.0f ns a call, %d active of %d predictors (%.1f ns per active"
                        + " predictor); mean over %d calls after %d warm-up, one thread.%n",
                nanosPerRate, activeCount, last.predictors().size(), nanosPerRate / Math.max(activeCount, 1), (long) passes * n, (long) Math.min(passes, 20) * n));
        md.append("\nCalibration (prequential, by decile of the predicted rate): ").append(calibration).append("\n");
        md.append(String.format(Locale.ROOT, "%nThe final table (%d trials in the epochs it weighs, damping %.3f), predictors by their own AUC:%n%n", last.trials(),
                last.damping()));
        md.append("| predictor | AUC | active | bins |\n|---|---|---|---|\n");
        last.predictors().stream().sorted((a, b) -> Double.compare(b.auc(), a.auc())).forEach(p -> md.append(String.format(Locale.ROOT,
                "| %s | %.3f | %s | %d |%n", p.name(), p.auc(), p.active() ? "yes" : "no", p.bins().size())));
        System.out.print(md);
        if (sink == 42) {
            System.out.println();
        }
        if (opts.containsKey("markdown")) {
            Files.writeString(Path.of(opts.get("markdown")), md);
        }
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** Mean predicted against observed rate per decile of the predicted rate. */
    private static String calibration(double[] scores, boolean[] labels) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        StringBuilder out = new StringBuilder();
        for (int d = 0; d < 10; d++) {
            int from = d * order.length / 10;
            int to = (d + 1) * order.length / 10;
            double predicted = 0;
            double observed = 0;
            for (int k = from; k < to; k++) {
                predicted += scores[order[k]];
                observed += labels[order[k]] ? 1 : 0;
            }
            out.append(String.format(Locale.ROOT, "%s%.3f/%.3f", d == 0 ? "" : ", ", predicted / (to - from), observed / (to - from)));
        }
        return out.append(" (predicted/observed)").toString();
    }

    private static String[] unquote(String[] cells) {
        for (int i = 0; i < cells.length; i++) {
            cells[i] = cells[i].replaceAll("^\"|\"$", "");
        }
        return cells;
    }

    private static int indexOf(String[] header, String name) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no column " + name);
    }
}
