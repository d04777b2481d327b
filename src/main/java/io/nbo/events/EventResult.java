package io.nbo.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What became of one event: {@code applied} now, or {@code duplicate} (an event with this id was
 * applied before, so nothing changed). Offer events that were applied carry their attribution.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventResult(
        @Schema(required = true) String eventId,
        @Schema(required = true, enumeration = {APPLIED, DUPLICATE}) String status,
        @Schema(description = "For an offer event applied now: what it was attributed to") Attribution attribution) {

    public static final String APPLIED = "applied";
    public static final String DUPLICATE = "duplicate";
}
