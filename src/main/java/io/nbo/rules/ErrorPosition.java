package io.nbo.rules;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds where in a DRL file a compiler error points. Drools gives no column for errors found after
 * parsing, and reports an error inside a consequence at the line of {@code rule "..."}; the message
 * usually names the culprit ('Basket', "nme == ...", "The method frobnicate(...)", "$q cannot be
 * resolved"), so look for it from the reported line to the end of that rule.
 */
final class ErrorPosition {

    /** A line and column, both 1-based. */
    record At(int line, int column) {
    }

    private static final List<Pattern> CULPRITS = List.of(
            Pattern.compile("Unable to Analyse Expression (.+?):"),
            Pattern.compile("The method (\\w+)\\("),
            Pattern.compile("(\\S+) cannot be resolved"),
            Pattern.compile("'([^']+)'"),
            Pattern.compile("\"([^\"]+)\""));

    private ErrorPosition() {
    }

    /** Where the error is, or the reported line with column 0 when the culprit cannot be found. */
    static At locate(String source, int line, String message) {
        String[] lines = source.split("\n", -1);
        if (line < 1 || line > lines.length) {
            return new At(line, 0);
        }
        for (Pattern culprit : CULPRITS) {
            Matcher m = culprit.matcher(message);
            if (!m.find() || m.group(1).isBlank()) {
                continue;
            }
            String token = m.group(1).strip();
            for (int i = line - 1; i < lines.length; i++) {
                int at = lines[i].indexOf(token);
                if (at >= 0) {
                    return new At(i + 1, at + 1);
                }
                if (i > line - 1 && lines[i].strip().equals("end")) {
                    break;
                }
            }
        }
        return new At(line, 0);
    }
}
