package io.nbo.model;

import java.util.HashMap;
import java.util.Map;

/** Free-form attributes (a request's context, an event's attributes): one given as null is as if not given. */
final class Attributes {

    private Attributes() {
    }

    /** An unmodifiable copy of the attributes that have a value; an empty map for none. */
    static <V> Map<String, V> withValues(Map<String, V> attributes) {
        if (attributes == null) {
            return Map.of();
        }
        Map<String, V> present = new HashMap<>(attributes.size() * 2);
        attributes.forEach((name, value) -> {
            if (name != null && value != null) {
                present.put(name, value);
            }
        });
        return Map.copyOf(present);
    }
}
