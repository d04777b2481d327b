package io.nbo.cli;

import java.util.Locale;
import java.util.Optional;

/** The file formats {@code nbo import} reads. */
enum InputFormat {
    JSONL, CSV;

    /** The format a file name implies: {@code .jsonl} / {@code .ndjson} or {@code .csv}. */
    static Optional<InputFormat> fromFileName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
            return Optional.of(JSONL);
        }
        if (lower.endsWith(".csv")) {
            return Optional.of(CSV);
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
