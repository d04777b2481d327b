package io.nbo.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.Collection;
import java.util.TreeSet;

/**
 * What is wrong with a value in a rule-set file ({@code offers.yaml}, {@code policies.yaml}, a
 * scenario), in the marketer's terms: Jackson's own messages name Java classes
 * ({@code `java.lang.Double`}, {@code (class io.nbo...)}) that say nothing to the person editing the file.
 */
public final class FileErrors {

    private FileErrors() {
    }

    /** The field and the problem, e.g. {@code offers[2].value: must be a number (got 'abc')}; the caller adds file and line. */
    public static String describeAt(JsonProcessingException e) {
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            String path = m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(java.util.stream.Collectors.joining(".")).replace(".[", "[");
            return path + ": " + describe(e);
        }
        return describe(e);
    }

    /** The problem, without its place (the caller adds file, line and field). */
    public static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            Collection<Object> known = u.getKnownPropertyIds();
            return "unknown field '" + u.getPropertyName() + "'"
                    + (known == null || known.isEmpty() ? "" : " (known: " + String.join(", ", new TreeSet<>(known.stream().map(String::valueOf).toList())) + ")");
        }
        if (e instanceof InvalidNullException n) {
            return "must be " + kind(n.getTargetType()) + ", not empty";
        }
        if (e instanceof InvalidFormatException f) {
            return "must be " + kind(f.getTargetType()) + " (got '" + f.getValue() + "')";
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return "must be " + kind(m.getTargetType());
        }
        if (e instanceof ValueInstantiationException v && v.getCause() instanceof IllegalArgumentException bad && bad.getMessage() != null) {
            return bad.getMessage();
        }
        if (e instanceof JsonMappingException) {
            return "is not valid here";
        }
        // A syntax error: the parser's own words, which are about the text, without Java names.
        return scrub(e.getOriginalMessage());
    }

    /** A Java type as a kind of value: "a whole number", "text", "a list". */
    public static String kind(Class<?> type) {
        if (type == null) {
            return "a value of another kind";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "text";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (type == java.time.Instant.class) {
            return "an ISO instant such as 2026-11-23T12:00:00Z";
        }
        if (type == java.time.LocalDate.class) {
            return "an ISO date such as 2026-11-23";
        }
        if (type == java.time.Duration.class) {
            return "a duration such as 30m, 24h or 7d";
        }
        if (type.isEnum()) {
            return "one of " + new TreeSet<>(java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.toString().toLowerCase(java.util.Locale.ROOT)).toList());
        }
        return "a section of fields (name: value)";
    }

    /** Drops Java class names from a message. */
    static String scrub(String message) {
        return message.replaceAll("\\(class [^)]*\\)", "").replaceAll("`[\\w.$\\[\\]]+`", "a value").replaceAll("(?:java|io\\.nbo|com\\.fasterxml)\\.[\\w.$]+", "a value").trim();
    }
}
