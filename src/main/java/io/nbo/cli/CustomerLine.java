package io.nbo.cli;

import io.nbo.model.CustomerData;
import java.util.List;

/**
 * One customer read from an import file: its id and data, or why the line was rejected.
 *
 * @param line the line number in the file (the CSV header is line 1)
 * @param problems {@code field: message} entries; empty when the line is valid
 */
record CustomerLine(long line, String id, CustomerData data, List<String> problems) {

    static CustomerLine rejected(long line, String problem) {
        return new CustomerLine(line, null, null, List.of(problem));
    }

    boolean isValid() {
        return problems.isEmpty();
    }

    /** The line's problems as one report line: {@code line 17: profile.age: must be ...; consent.fax: ...}. */
    String describeProblems() {
        return "line " + line + ": " + String.join("; ", problems);
    }
}
