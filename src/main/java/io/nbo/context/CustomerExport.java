package io.nbo.context;

import io.nbo.model.Cart;
import io.nbo.model.Contact;
import io.nbo.model.Event;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything nbo stores about one customer, for a data-subject access request: the context
 * (profile, consent, engagement, cart, recent events), the contact history, the event ids applied,
 * the journey, the recorded decisions and the customer's events in their partition's stream.
 *
 * @param updatedAt when the profile was last written; null without a profile
 * @param journey   null when the customer has no journey
 * @param events    the customer's entries of the partition's event stream, oldest first: {@code streamId}, then the stored fields
 */
public record CustomerExport(String customerId, Instant exportedAt, Map<String, Object> profile,
                             @org.eclipse.microprofile.openapi.annotations.media.Schema(nullable = true, description = "When the profile was last written; null without a profile") Instant updatedAt,
                             Map<String, Boolean> consent, Map<String, Map<String, Long>> engagement, Cart cart, List<Event> recent,
                             List<Contact> contacts, List<AppliedEvent> appliedEvents,
                             @org.eclipse.microprofile.openapi.annotations.media.Schema(nullable = true, description = "null when the customer has no journey") StoredCustomer.Journey journey,
                             List<RecordedDecision> decisions, List<Map<String, String>> events) {

    /** An event id applied for the customer, and when (kept so a retry is applied once). */
    public record AppliedEvent(String eventId, Instant appliedAt) {
    }

    /**
     * A decision recorded for the customer, as stored for attribution: {@code v} rule-set version,
     * {@code c} calling channel, {@code at} (ms), {@code o} the offers served with channel, score and score parts.
     */
    public record RecordedDecision(String decisionId, Object record) {
    }
}
