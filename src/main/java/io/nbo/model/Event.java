package io.nbo.model;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;
import java.util.Map;

/** Something the customer recently did (a page view, a search, a purchase), newest first in the context. */
public record Event(@NotBlank String type, @NotNull Instant at, Map<String, String> attributes) {

    public Event {
        attributes = Attributes.withValues(attributes);
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
