package io.nbo.events;

import java.time.Instant;
import java.util.Map;

/**
 * One checked event, as received: {@code type} as written, {@code kind} what it is. Attributes hold
 * text, whole numbers, decimals and booleans; for a profile change, typed profile values
 * (dates and instants included, as {@link io.nbo.context.ProfileValues} stores them).
 *
 * @param at where the event is in the request body, as a JSON pointer: {@code ""} for a single
 *           event, {@code /3} for the 4th of a batch
 */
public record CustomerEvent(String at, String eventId, String type, EventType kind, String customerId, Instant timestamp,
                            String decisionId, String offerId, String channel, Double amount, Map<String, Object> attributes) {

    public CustomerEvent {
        attributes = attributes == null ? Map.of() : attributes;
    }

    /** The event with the offer and channel attribution found for it before it is applied. */
    CustomerEvent resolved(String offer, String viaChannel) {
        return new CustomerEvent(at, eventId, type, kind, customerId, timestamp, decisionId, offer, viaChannel, amount, attributes);
    }
}
