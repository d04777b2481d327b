package io.nbo.model;

import java.util.HashMap;
import java.util.Map;

/** Free-form attributes (a request's context, an event's attributes): one given as null is as if not given. */
final class Attributes {

    private Attributes() {
    }

    /** An unmodifiable copy of the attributes that have a value; an empty map for none. */
    static <V> Map<String, V> withValues(Map<String, V> attributes) {
        if (attributes == null || attributes.isEmpty()) {
            return Map.of();
        }
        boolean allPresent = true;
        for (Map.Entry<String, V> e : attributes.entrySet()) {
            allPresent &= e.getKey() != null && e.getValue() != null;
        }
        if (allPresent) {
            // The usual case, on every decision: one copy, not two.
            return Map.copyOf(attributes);
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
