package io.nbo.loadtests.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Prints a JMH JSON result of {@link RuleEvaluationBenchmark} as a table (p50, p99, p99.9 and mean per rule set),
 * and the ratio p50(10,000 rules) / p50(100 rules) against its target of at most 2.
 *
 * <pre>java -cp load-tests/jmh/target/nbo-jmh.jar io.nbo.loadtests.jmh.ResultSummary load-tests/jmh/target/jmh-result.json</pre>
 */
public final class ResultSummary {

    static final double TARGET = 2.0;

    /** The figures of one rule set; NaN where its mode did not run. */
    static final class Row {
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        double p999 = Double.NaN;
        long samples;
        double mean = Double.NaN;
        String unit = "";
    }

    public static void main(String[] args) throws IOException {
        JsonNode runs = new ObjectMapper().readTree(Path.of(args.length > 0 ? args[0] : "load-tests/jmh/target/jmh-result.json").toFile());
        Map<String, Row> rows = new LinkedHashMap<>();
        for (JsonNode run : runs) {
            if (!run.path("benchmark").asText().endsWith("RuleEvaluationBenchmark.evaluate")) {
                continue;
            }
            Row row = rows.computeIfAbsent(run.path("params").path("rules").asText(), k -> new Row());
            JsonNode metric = run.path("primaryMetric");
            row.unit = metric.path("scoreUnit").asText();
            switch (run.path("mode").asText()) {
                case "sample" -> {
                    JsonNode pct = metric.path("scorePercentiles");
                    row.p50 = pct.path("50.0").asDouble();
                    row.p99 = pct.path("99.0").asDouble();
                    row.p999 = pct.path("99.9").asDouble();
                    // rawDataHistogram: per fork, per iteration, [value, count] pairs.
                    for (JsonNode fork : metric.path("rawDataHistogram")) {
                        for (JsonNode iteration : fork) {
                            for (JsonNode bin : iteration) {
                                row.samples += bin.get(1).asLong();
                            }
                        }
                    }
                }
                case "avgt" -> row.mean = metric.path("score").asDouble();
                default -> { }
            }
        }
        System.out.println("| rules | p50 | p99 | p99.9 | decisions sampled | mean (AverageTime) |");
        System.out.println("|---|---|---|---|---|---|");
        rows.forEach((rules, r) -> System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %,d | %s |%n", rules,
                us(r.p50, r.unit), us(r.p99, r.unit), us(r.p999, r.unit), r.samples, us(r.mean, r.unit)));
        Row small = rows.get("100");
        Row big = rows.get("10000");
        if (small != null && big != null && !Double.isNaN(small.p50) && !Double.isNaN(big.p50)) {
            double ratio = big.p50 / small.p50;
            System.out.printf(Locale.ROOT, "p50(10000) / p50(100) = %.1f (target: at most %.0f): %s%n", ratio, TARGET,
                    ratio <= TARGET ? "met" : "NOT met");
        } else {
            System.out.println("p50(10000) / p50(100): needs SampleTime runs of rules=100 and rules=10000");
        }
    }

    static String us(double value, String unit) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%,.1f %s", value, unit);
    }
}
