package io.nbo.events;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer to {@code POST /v1/events}: how many events were applied, how many were duplicates, and each one's result, in order. */
public record Ingested(
        @Schema(required = true, description = "Events applied now") int applied,
        @Schema(required = true, description = "Events applied before (same eventId): nothing changed") int duplicates,
        @Schema(required = true, description = "One per event, in the order sent") List<EventResult> results) {
}
