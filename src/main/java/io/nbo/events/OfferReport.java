package io.nbo.events;

import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How each offer did per channel and rule-set version over a range of UTC days: served (by
 * decisions), impressions, clicks, accepts, rejects, dismisses, conversions and their value, and
 * rates over impressions (null without impressions).
 */
public record OfferReport(LocalDate from, LocalDate to, List<Row> rows) {

    /** One offer × channel × rule-set version. */
    @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "OfferReportRow")
    public record Row(String offerId, String channel, String ruleSetVersion, long served, long impressions, long clicks, long accepts,
                      long rejects, long dismisses, long conversions, double conversionValue,
                      @org.eclipse.microprofile.openapi.annotations.media.Schema(nullable = true, description = "Clicks per impression; null without impressions") Double clickRate,
                      @org.eclipse.microprofile.openapi.annotations.media.Schema(nullable = true, description = "Accepts per impression; null without impressions") Double acceptRate,
                      @org.eclipse.microprofile.openapi.annotations.media.Schema(nullable = true, description = "Conversions per impression; null without impressions") Double conversionRate) {
    }

    /** Which rows to keep; a null field keeps every value. */
    public record Filter(String offerId, String channel, String ruleSetVersion) {
        boolean keeps(String offer, String ch, String version) {
            return (offerId == null || offerId.equals(offer)) && (channel == null || channel.equals(ch))
                    && (ruleSetVersion == null || ruleSetVersion.equals(version));
        }
    }

    static final List<String> METRICS = List.of("served", "impressions", "clicks", "accepts", "rejects", "dismisses", "conversions",
            "conversionValue");

    /** Builds the rows from counters summed over partitions and days ({@code offer|channel|version|metric} → sum). */
    static OfferReport of(LocalDate from, LocalDate to, Map<String, Double> sums, Filter filter) {
        Map<List<String>, double[]> byRow = new TreeMap<>(Comparator.<List<String>, String>comparing(k -> k.get(0))
                .thenComparing(k -> k.get(1)).thenComparing(k -> k.get(2)));
        sums.forEach((field, sum) -> {
            String[] parts = field.split("\\|", -1);
            int metric = parts.length == 4 ? METRICS.indexOf(parts[3]) : -1;
            if (metric >= 0 && filter.keeps(parts[0], parts[1], parts[2])) {
                byRow.computeIfAbsent(List.of(parts[0], parts[1], parts[2]), k -> new double[METRICS.size()])[metric] += sum;
            }
        });
        List<Row> rows = byRow.entrySet().stream().map(e -> row(e.getKey(), e.getValue())).toList();
        return new OfferReport(from, to, rows);
    }

    private static Row row(List<String> key, double[] m) {
        long impressions = (long) m[1];
        return new Row(key.get(0), key.get(1), key.get(2), (long) m[0], impressions, (long) m[2], (long) m[3], (long) m[4], (long) m[5],
                (long) m[6], m[7], rate(m[2], impressions), rate(m[3], impressions), rate(m[6], impressions));
    }

    private static Double rate(double count, long impressions) {
        return impressions == 0 ? null : count / impressions;
    }
}
