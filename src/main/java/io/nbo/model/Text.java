package io.nbo.model;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Text helpers for rules, e.g. {@code Request(Text.matches(attr("q"), "(?i)boots?"))}.
 *
 * <p>Regular expressions run on RE2/J, whose matching time is linear in the text: a pattern such as
 * {@code (.*a){12}$} that makes java.util.regex backtrack for seconds costs microseconds here. The
 * DRL {@code matches} operator, which runs java.util.regex, is refused in rules.
 */
public final class Text {

    /** Compiled patterns, so a rule's pattern is compiled once; emptied when full (rules use a handful). */
    private static final ConcurrentHashMap<String, Pattern> PATTERNS = new ConcurrentHashMap<>();
    private static final int MAX_PATTERNS = 1_000;
    /** Longer patterns are refused: compiling one costs time in its length. */
    static final int MAX_PATTERN_LENGTH = 1_000;

    private Text() {
    }

    /**
     * Whether the whole text matches a regular expression (RE2 syntax: no back-references or look-arounds).
     * False when the text is null.
     *
     * @throws IllegalArgumentException when the pattern is not a valid RE2 expression or is over 1,000 characters
     */
    public static boolean matches(String text, String regex) {
        if (text == null) {
            return false;
        }
        return pattern(regex).matches(text);
    }

    private static Pattern pattern(String regex) {
        if (regex == null || regex.length() > MAX_PATTERN_LENGTH) {
            throw new IllegalArgumentException("a pattern must be given and at most " + MAX_PATTERN_LENGTH + " characters long");
        }
        Pattern p = PATTERNS.get(regex);
        if (p == null) {
            try {
                p = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("not a valid pattern: " + e.getDescription(), e);
            }
            if (PATTERNS.size() >= MAX_PATTERNS) {
                PATTERNS.clear();
            }
            PATTERNS.put(regex, p);
        }
        return p;
    }
}
