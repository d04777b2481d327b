package io.nbo.context;

import io.nbo.model.Channel;
import io.nbo.model.CustomerData;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import jakarta.validation.Validator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks customer data from any source (API, import, scenario files) and types its profile values.
 * Errors are keyed by JSON pointer ({@code /profile/age}, {@code /consent/fax}), so the caller can
 * say exactly where the problem is.
 */
public final class CustomerDataValidator {

    /** The checked data, profile typed; or the errors by JSON pointer. */
    public record Checked(CustomerData data, Map<String, String> errors) {
        public boolean isValid() {
            return errors.isEmpty();
        }
    }

    /** Engagement metric names: lowercase letters, digits and '_' (sent, opens, clicks, ...). */
    public static final Pattern METRIC = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    /** The most engagement metrics one channel may have. */
    public static final int MAX_METRICS = 50;

    private final Validator validator;

    public CustomerDataValidator(Validator validator) {
        this.validator = validator;
    }

    public Checked check(CustomerData raw) {
        Map<String, String> errors = new TreeMap<>();
        for (ConstraintViolation<CustomerData> v : validator.validate(raw)) {
            errors.put(pointer(v.getPropertyPath()), v.getMessage());
        }
        Map<String, String> profileErrors = new LinkedHashMap<>();
        Map<String, Object> profile = ProfileValues.normalize(raw.profile(), profileErrors);
        profileErrors.forEach((name, msg) -> errors.put("/profile/" + name, msg));
        raw.consent().forEach((channel, given) -> {
            if (Channel.fromId(channel).isEmpty()) {
                errors.put("/consent/" + channel, "unknown channel (one of " + Channel.ids() + ")");
            } else if (given == null) {
                errors.put("/consent/" + channel, "must be true or false");
            }
        });
        raw.engagement().forEach((channel, counters) -> {
            if (Channel.fromId(channel).isEmpty()) {
                errors.put("/engagement/" + channel, "unknown channel (one of " + Channel.ids() + ")");
                return;
            }
            if (counters == null) {
                errors.put("/engagement/" + channel, "must be an object of counters");
                return;
            }
            if (counters.size() > MAX_METRICS) {
                errors.put("/engagement/" + channel, "at most " + MAX_METRICS + " metrics (got " + counters.size() + ")");
                return;
            }
            counters.forEach((metric, count) -> {
                if (!METRIC.matcher(metric).matches()) {
                    errors.put("/engagement/" + channel + "/" + metric, "metric names are lowercase letters, digits and '_'");
                } else if (count == null || count < 0) {
                    errors.put("/engagement/" + channel + "/" + metric, "must be a whole number >= 0");
                }
            });
        });
        if (!raw.cart().isEmpty() && raw.cart().updatedAt() == null) {
            // Without it the cart's age is unknown, and every rule on how long it was left waits for ever.
            errors.put("/cart/updatedAt", "required for a cart with items: when the cart last changed, an ISO instant such as 2026-11-23T09:00:00Z");
        }
        CustomerData data = new CustomerData(profile, raw.consent(), raw.engagement(), raw.cart(), raw.recent());
        return new Checked(data, errors);
    }

    /** A validator with its own Bean Validation engine, for use outside the Quarkus application. */
    public static CustomerDataValidator standalone() {
        return new CustomerDataValidator(io.nbo.config.Validators.standalone());
    }

    /**
     * A validation path as a JSON pointer: {@code recent[2].type} becomes {@code /recent/2/type}; the
     * method and parameter of a validated resource call are left out.
     */
    public static String pointer(Path path) {
        StringBuilder sb = new StringBuilder();
        for (Path.Node node : path) {
            if (node.getKind() == jakarta.validation.ElementKind.METHOD || node.getKind() == jakarta.validation.ElementKind.PARAMETER) {
                continue;
            }
            if (node.getIndex() != null) {
                sb.append('/').append(node.getIndex());
            } else if (node.getKey() != null) {
                sb.append('/').append(node.getKey());
            }
            if (node.getName() != null && !node.getName().startsWith("<")) {
                sb.append('/').append(node.getName());
            }
        }
        return sb.length() == 0 ? "/" : sb.toString();
    }
}
