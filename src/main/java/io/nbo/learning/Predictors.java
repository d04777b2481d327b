package io.nbo.learning;

import io.nbo.model.Customer;
import io.nbo.model.Request;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The declared predictors' values for one decision, binned as the models key them ({@link Bins#fine}), and
 * their encoding in the decision record, from which the event streams carry them to the learner.
 */
public final class Predictors {

    /** Between two predictors in the encoding; never part of a name or (control characters are replaced) a value. */
    static final char SEPARATOR = '\u001f';

    private Predictors() {
    }

    /** name → fine value of each declared predictor, in the file's order. */
    public static Map<String, String> read(ModelSpec spec, Customer customer, Request request) {
        if (spec.predictors().isEmpty()) {
            return Map.of();
        }
        Map<String, String> x = new LinkedHashMap<>();
        for (ModelSpec.Predictor p : spec.predictors()) {
            x.put(p.name(), clean(Bins.fine(p.source().read(customer, request))));
        }
        return x;
    }

    /** {@code name=value} pairs joined by {@link #SEPARATOR}; empty for none. */
    public static String encode(Map<String, String> x) {
        if (x.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        x.forEach((name, value) -> {
            if (!b.isEmpty()) {
                b.append(SEPARATOR);
            }
            b.append(name).append('=').append(value);
        });
        return b.toString();
    }

    /** The inverse of {@link #encode}; what does not parse is left out. */
    public static Map<String, String> decode(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return Map.of();
        }
        Map<String, String> x = new LinkedHashMap<>();
        int start = 0;
        while (start <= encoded.length()) {
            int end = encoded.indexOf(SEPARATOR, start);
            if (end < 0) {
                end = encoded.length();
            }
            int eq = encoded.indexOf('=', start);
            if (eq > start && eq < end) {
                x.put(encoded.substring(start, eq), encoded.substring(eq + 1, end));
            }
            start = end + 1;
        }
        return x;
    }

    private static String clean(String fine) {
        for (int i = 0; i < fine.length(); i++) {
            if (Character.isISOControl(fine.charAt(i))) {
                StringBuilder b = new StringBuilder(fine.length());
                fine.chars().forEach(c -> b.append(Character.isISOControl(c) ? ' ' : (char) c));
                return b.toString();
            }
        }
        return fine;
    }
}
