package io.nbo.model;

import java.time.Instant;

/**
 * One entry of a customer's contact history: an offer served on a channel, or a response to one.
 * Kinds: {@code served} (returned by a decision), {@code pending} (returned, not yet reported shown),
 * {@code impression}, {@code click}, {@code accept}, {@code reject}, {@code dismiss}, {@code conversion}.
 */
public record Contact(String kind, String offerId, String channel, String ref, Instant at) {

    /** Parses a stored member {@code kind|offer|channel|ref}; null when it is not one. */
    public static Contact parse(String member, Instant at) {
        String[] parts = member.split("\\|", 4);
        if (parts.length < 4) {
            return null;
        }
        return new Contact(parts[0], parts[1], parts[2], parts[3], at);
    }

    /** The stored form, {@code kind|offer|channel|ref}. */
    public String member() {
        return kind + "|" + offerId + "|" + channel + "|" + ref;
    }
}
