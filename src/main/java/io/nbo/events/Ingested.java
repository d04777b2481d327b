package io.nbo.events;

import java.util.List;

/** The answer to {@code POST /v1/events}: how many events were applied, how many were duplicates, and each one's result, in order. */
public record Ingested(int applied, int duplicates, List<EventResult> results) {
}
