package io.nbo.cli;

import io.nbo.context.CustomerImportRepository;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Counts what an import did and keeps the first rejected lines, for the progress line and the summary. */
final class ImportReport implements CustomerImportRepository.Progress {

    static final int SHOWN_ERRORS = 50;

    private final TreeMap<Long, String> errors = new TreeMap<>();
    private long imported;
    private long failed;

    @Override
    public void imported(long count) {
        imported += count;
    }

    @Override
    public void refused(long line, String redisError) {
        failed(line, "line " + line + ": redis: " + redisError);
    }

    /** A rejected line; only the first {@value #SHOWN_ERRORS} by line number are kept, the rest are counted. */
    void failed(long line, String description) {
        failed++;
        errors.put(line, description);
        if (errors.size() > SHOWN_ERRORS) {
            errors.pollLastEntry();
        }
    }

    long imported() {
        return imported;
    }

    long failed() {
        return failed;
    }

    /** e.g. {@code imported 250,000 customers, 120,345/s, 3 errors} */
    String progress(Duration elapsed) {
        return String.format(Locale.ROOT, "imported %,d %s, %,d/s, %,d %s",
                imported, customers(imported), rate(elapsed), failed, failed == 1 ? "error" : "errors");
    }

    /** The closing summary, then one line per rejected line (at most {@value #SHOWN_ERRORS}). */
    void printSummary(PrintWriter out, Duration elapsed) {
        out.printf(Locale.ROOT, "imported %,d %s, %,d failed, in %.1f s (%,d/s)%n",
                imported, customers(imported), failed, elapsed.toMillis() / 1000.0, rate(elapsed));
        for (Map.Entry<Long, String> e : errors.entrySet()) {
            out.println(e.getValue());
        }
        if (failed > errors.size()) {
            out.printf(Locale.ROOT, "... and %,d more%n", failed - errors.size());
        }
        out.flush();
    }

    private static String customers(long count) {
        return count == 1 ? "customer" : "customers";
    }

    private long rate(Duration elapsed) {
        long micros = Math.max(1, elapsed.toNanos() / 1000);
        return imported * 1_000_000 / micros;
    }
}
