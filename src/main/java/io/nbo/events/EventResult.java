package io.nbo.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What became of one event: {@code applied} now, or {@code duplicate} (an event with this id was
 * applied before, so nothing changed). Offer events that were applied carry their attribution.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventResult(String eventId, String status, Attribution attribution) {

    public static final String APPLIED = "applied";
    public static final String DUPLICATE = "duplicate";
}
