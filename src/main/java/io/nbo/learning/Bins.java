package io.nbo.learning;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.regex.Pattern;

/**
 * A predictor value as the models key it ("fine" bins): a deterministic function of the value alone, so that
 * evidence counted on any replica, in any order, lands under the same keys and merges exactly.
 *
 * <ul>
 *   <li>Numbers become {@code "n:"} and the value rounded to 3 significant digits (half up), in plain notation
 *       without trailing zeros: 4963.6 → {@code n:4960}, 0.634 → {@code n:0.634}, 56 → {@code n:56}, -36.4 →
 *       {@code n:-36.4}; values of 10<sup>21</sup> or more, or below 10<sup>-6</sup>, in scientific notation
 *       ({@code n:1.23E+25}). A {@link Number}, or text that is a plain decimal number ({@code "56"},
 *       {@code " -36.4 "}, {@code "1e3"}): customer attributes arrive as JSON numbers or, from CSV imports and Redis
 *       hashes, as text, and the same value must land in the same bin either way. A code that must stay a category
 *       (a postcode like {@code "02134"}) should therefore carry a non-digit.</li>
 *   <li>Booleans and other text become {@code "s:"} and the text trimmed, cut to {@value #MAX_TEXT} characters
 *       (never inside a surrogate pair).</li>
 *   <li>Null, NaN, infinities and blank text are {@value #MISSING}: missing has a bin of its own.</li>
 * </ul>
 */
public final class Bins {

    /** The fine bin of a missing value. */
    public static final String MISSING = "m";
    /** The prefix of a numeric fine bin. */
    public static final String NUMBER = "n:";
    /** The prefix of a symbolic fine bin. */
    public static final String SYMBOL = "s:";
    /** Longest text kept in a symbolic bin. */
    public static final int MAX_TEXT = 64;
    /** Significant digits kept of a number. */
    public static final int DIGITS = 3;

    // Plain decimals only: Double.parseDouble also takes "NaN", "Infinity", hex and a trailing d or f.
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final BigDecimal LARGE = BigDecimal.TEN.pow(21);
    private static final BigDecimal SMALL = BigDecimal.ONE.movePointLeft(6);

    private Bins() {
    }

    /** The fine bin of a value: see the class comment. */
    public static String fine(Object value) {
        if (value == null) {
            return MISSING;
        }
        if (value instanceof Number n) {
            return number(n, DIGITS);
        }
        if (value instanceof Boolean b) {
            return SYMBOL + b;
        }
        String text = value.toString().trim();
        if (text.isEmpty()) {
            return MISSING;
        }
        if (text.length() <= 400 && DECIMAL.matcher(text).matches()) {
            try {
                return number(new BigDecimal(text), DIGITS, RoundingMode.HALF_UP);
            } catch (NumberFormatException | ArithmeticException e) {
                // an exponent beyond an int ("1e99999999999"): kept as text
            }
        }
        return SYMBOL + cut(text);
    }

    /** The number a fine bin stands for, or NaN when it is not numeric. */
    public static double numeric(String fine) {
        if (fine == null || !fine.startsWith(NUMBER)) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(fine.substring(NUMBER.length()));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * A numeric fine bin cut to {@code digits} significant digits (how {@link Evidence} coarsens a predictor with
     * too many distinct values); any other bin unchanged. Cut, not rounded: cutting twice is cutting once to the
     * fewer digits (rounding 0.1249 to 0.125 and then to 0.13 is not rounding it to 0.12), so a value coarsened on
     * arrival and one coarsened later land in the same bin.
     */
    public static String coarser(String fine, int digits) {
        if (digits >= DIGITS || fine == null || !fine.startsWith(NUMBER)) {
            return fine;
        }
        try {
            return number(new BigDecimal(fine.substring(NUMBER.length())), digits, RoundingMode.DOWN);
        } catch (NumberFormatException e) {
            return fine;
        }
    }

    private static String number(Number n, int digits) {
        BigDecimal exact;
        if (n instanceof BigDecimal d) {
            exact = d;
        } else if (n instanceof BigInteger i) {
            exact = new BigDecimal(i);
        } else if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
            exact = BigDecimal.valueOf(n.longValue());
        } else {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) {
                return MISSING;
            }
            // Double.toString's shortest decimal: 0.634 is 0.634 here, not 0.63399999999999994...
            exact = BigDecimal.valueOf(d);
        }
        return number(exact, digits, RoundingMode.HALF_UP);
    }

    private static String number(BigDecimal exact, int digits, RoundingMode mode) {
        if (exact.signum() == 0) {
            return NUMBER + "0";
        }
        BigDecimal rounded = exact.round(new MathContext(digits, mode)).stripTrailingZeros();
        BigDecimal magnitude = rounded.abs();
        String text = magnitude.compareTo(LARGE) >= 0 || magnitude.compareTo(SMALL) < 0
                ? rounded.toString() : rounded.toPlainString();
        return NUMBER + text;
    }

    private static String cut(String text) {
        if (text.length() <= MAX_TEXT) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(MAX_TEXT - 1)) ? MAX_TEXT - 1 : MAX_TEXT;
        return text.substring(0, end);
    }
}
