package io.nbo.loadtests;

import static io.gatling.javaapi.core.CoreDsl.exec;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Response times per request name, in microseconds, in HdrHistogram: the machine-readable side of a
 * run (Gatling's own figures, in whole milliseconds, are in its HTML report). A request is timed from
 * just before Gatling sends it to just after its checks ran; in the open model the first request of a
 * user starts at the user's scheduled arrival, so a slow answer cannot delay the next measurement.
 * {@link #write} puts counts, failures, first start, last end and percentiles into {@code nbo.statsOut}.
 */
public final class Timings {

    private static final Map<String, Timings> BY_NAME = new ConcurrentHashMap<>();

    private final ConcurrentHistogram ok = new ConcurrentHistogram(120_000_000L, 3);
    private final AtomicLong failed = new AtomicLong();
    private final LongAccumulator firstStart = new LongAccumulator(Math::min, Long.MAX_VALUE);
    private final LongAccumulator lastEnd = new LongAccumulator(Math::max, Long.MIN_VALUE);

    /** The request, timed under its name; a failed check or a connection error counts as failed, not as a time. */
    public static ChainBuilder timed(String name, HttpRequestActionBuilder request) {
        String key = "t0." + name;
        return exec(session -> session.set(key, System.nanoTime()))
                .exec(request)
                .exec(session -> {
                    long end = System.nanoTime();
                    BY_NAME.computeIfAbsent(name, n -> new Timings()).record(session.getLong(key), end, session.isFailed());
                    // The next request of this user is judged on its own.
                    return session.markAsSucceeded();
                });
    }

    /**
     * The request, timed under {@code okName} when answered 200 and under {@code shedName} when shed
     * with 503 (both count as answers); anything else fails under {@code okName}.
     */
    public static ChainBuilder timedByStatus(String okName, String shedName, HttpRequestActionBuilder request) {
        String key = "t0." + okName;
        return exec(session -> session.set(key, System.nanoTime()))
                .exec(request)
                .exec(session -> {
                    long end = System.nanoTime();
                    boolean shed = !session.isFailed() && session.contains("status") && session.getInt("status") == 503;
                    BY_NAME.computeIfAbsent(shed ? shedName : okName, n -> new Timings()).record(session.getLong(key), end, session.isFailed());
                    return session.markAsSucceeded().remove("status");
                });
    }

    private void record(long start, long end, boolean isFailed) {
        long now = System.currentTimeMillis();
        firstStart.accumulate(now - (end - start) / 1_000_000);
        lastEnd.accumulate(now);
        if (isFailed) {
            failed.incrementAndGet();
        } else {
            ok.recordValue(Math.min(ok.getHighestTrackableValue(), Math.max(1, (end - start) / 1_000)));
        }
    }

    /** Writes every request name's figures as JSON to the file named by {@code nbo.statsOut}, if set. */
    public static void write(String simulation, Map<String, Object> params) {
        String out = System.getProperty("nbo.statsOut");
        if (out == null || out.isBlank()) {
            return;
        }
        StringBuilder b = new StringBuilder("{\"simulation\":");
        Json.string(b, simulation).append(",\"params\":{");
        String comma = "";
        for (Map.Entry<String, Object> p : new TreeMap<>(params).entrySet()) {
            Json.string(b.append(comma), p.getKey()).append(':');
            if (p.getValue() instanceof Number || p.getValue() instanceof Boolean) {
                b.append(p.getValue());
            } else {
                Json.string(b, String.valueOf(p.getValue()));
            }
            comma = ",";
        }
        b.append("},\"requests\":{");
        comma = "";
        for (Map.Entry<String, Timings> e : new TreeMap<>(BY_NAME).entrySet()) {
            Timings t = e.getValue();
            ConcurrentHistogram h = t.ok;
            long ok = h.getTotalCount();
            Json.string(b.append(comma), e.getKey()).append(String.format(Locale.ROOT,
                    ":{\"requests\":%d,\"ok\":%d,\"failed\":%d,\"firstStartMs\":%d,\"lastEndMs\":%d,"
                            + "\"meanMs\":%s,\"p50Ms\":%s,\"p90Ms\":%s,\"p99Ms\":%s,\"p999Ms\":%s,\"maxMs\":%s}",
                    ok + t.failed.get(), ok, t.failed.get(), t.firstStart.get(), t.lastEnd.get(), ms(h, h.getMean()),
                    ms(h, h.getValueAtPercentile(50)), ms(h, h.getValueAtPercentile(90)), ms(h, h.getValueAtPercentile(99)),
                    ms(h, h.getValueAtPercentile(99.9)), ms(h, h.getMaxValue())));
            comma = ",";
        }
        b.append("}}\n");
        try {
            Files.writeString(Path.of(out), b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Microseconds as milliseconds; null when no request succeeded, so a run where all failed shows no time. */
    private static String ms(ConcurrentHistogram h, double micros) {
        return h.getTotalCount() == 0 ? "null" : String.format(Locale.ROOT, "%.3f", micros / 1000);
    }
}
