package io.nbo.context;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Typed profile values: text, numbers, booleans and dates. Values arrive as JSON (or CSV text) and
 * are stored in Redis with a one-letter type prefix, so a zip code "01234" stays text and a date
 * stays a date.
 */
public final class ProfileValues {

    /** Attribute names: a letter, then up to 63 letters, digits, '_', '-' or '.'. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern DATE_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T.+");
    /** The longest text profile value. */
    public static final int MAX_TEXT = 4096;

    private ProfileValues() {
    }

    /**
     * Turns JSON-ish values into the stored types (String, Long, Double, Boolean, LocalDate, Instant),
     * adding a message per bad attribute to {@code errors} (keyed by attribute name).
     */
    public static Map<String, Object> normalize(Map<String, Object> raw, Map<String, String> errors) {
        Map<String, Object> out = new LinkedHashMap<>();
        raw.forEach((name, value) -> {
            if (!NAME.matcher(name).matches()) {
                errors.put(name, "attribute names start with a letter and use letters, digits, '_', '-' or '.' (at most 64)");
                return;
            }
            Object v = normalizeValue(value);
            if (v == null) {
                errors.put(name, "must be text, a number, a boolean or an ISO date (got " + describe(value) + ")");
            } else if (v instanceof String s && s.length() > MAX_TEXT) {
                errors.put(name, "text longer than " + MAX_TEXT + " characters");
            } else {
                out.put(name, v);
            }
        });
        return out;
    }

    /** Infers the type of a CSV cell: boolean, integer, decimal, date, date-time, else text. */
    public static Object fromText(String text) {
        String t = text.trim();
        if (t.equals("true") || t.equals("false")) {
            return Boolean.valueOf(t);
        }
        try {
            // A leading zero ("01234", a zip code) means text, not a number.
            if (t.matches("-?(0|[1-9]\\d{0,17})")) {
                return Long.parseLong(t);
            }
            if (t.matches("-?\\d+\\.\\d+([eE][-+]?\\d+)?")) {
                return Double.parseDouble(t);
            }
        } catch (NumberFormatException ignored) {
            // falls through to text
        }
        Object date = parseDate(t);
        return date != null ? date : text;
    }

    private static Object normalizeValue(Object value) {
        if (value instanceof String s) {
            Object date = parseDate(s);
            return date != null ? date : s;
        }
        if (value instanceof BigInteger big) {
            return big.bitLength() < 64 ? (Object) big.longValue() : null;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            return ((Number) value).longValue();
        }
        if (value instanceof Double d) {
            return Double.isFinite(d) ? d : null;
        }
        if (value instanceof Float || value instanceof BigDecimal) {
            double d = ((Number) value).doubleValue();
            return Double.isFinite(d) ? d : null;
        }
        if (value instanceof Boolean || value instanceof LocalDate || value instanceof Instant) {
            return value;
        }
        return null;
    }

    private static Object parseDate(String s) {
        try {
            if (DATE.matcher(s).matches()) {
                return LocalDate.parse(s);
            }
            if (DATE_TIME.matcher(s).matches()) {
                return OffsetDateTime.parse(s).toInstant();
            }
        } catch (DateTimeParseException e) {
            return null;
        }
        return null;
    }

    private static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof List) {
            return "a list";
        }
        return value.getClass().getSimpleName();
    }

    /** The stored form: a type letter, ':', and the value. */
    public static String encode(Object value) {
        if (value instanceof String s) {
            return "s:" + s;
        }
        if (value instanceof Boolean b) {
            return b ? "b:1" : "b:0";
        }
        if (value instanceof LocalDate d) {
            return "d:" + d;
        }
        if (value instanceof Instant i) {
            return "t:" + i;
        }
        if (value instanceof Long || value instanceof Integer) {
            return "n:" + value;
        }
        if (value instanceof Number n) {
            return "n:" + n.doubleValue();
        }
        throw new IllegalArgumentException("not a profile value: " + value);
    }

    /** Reads a stored value back; an unknown prefix is kept as text. */
    public static Object decode(String stored) {
        if (stored.length() < 2 || stored.charAt(1) != ':') {
            return stored;
        }
        String v = stored.substring(2);
        return switch (stored.charAt(0)) {
            case 's' -> v;
            case 'b' -> "1".equals(v);
            case 'd' -> LocalDate.parse(v);
            case 't' -> Instant.parse(v);
            case 'n' -> v.indexOf('.') >= 0 || v.indexOf('E') >= 0 ? (Object) Double.parseDouble(v) : (Object) Long.parseLong(v);
            default -> v;
        };
    }
}
