package io.nbo.model;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;
import java.util.Map;

/** Something the customer recently did (a page view, a search, a purchase), newest first in the context. */
public record Event(@NotBlank String type, @NotNull Instant at, Map<String, String> attributes) {

    public Event {
        attributes = attributes == null ? Map.of() : withValues(attributes);
    }

    /** The attributes with a value: one given as null is as if not given, as in a request's context. */
    private static Map<String, String> withValues(Map<String, String> attributes) {
        Map<String, String> present = new java.util.HashMap<>(attributes.size() * 2);
        attributes.forEach((name, value) -> {
            if (name != null && value != null) {
                present.put(name, value);
            }
        });
        return Map.copyOf(present);
    }

    public String getType() {
        return type;
    }

    public Instant getAt() {
        return at;
    }

    public Map<String, String> getAttributes() {
        return attributes;
    }

    /** An attribute of the event, or null. */
    public String attr(String name) {
        return attributes.get(name);
    }
}
