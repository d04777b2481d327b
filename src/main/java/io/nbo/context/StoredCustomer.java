package io.nbo.context;

import io.nbo.model.ContactHistory;
import io.nbo.model.CustomerData;
import java.time.Instant;

/**
 * A customer as read back from Redis: their data, when it was last written, what they were shown and
 * how they responded, and their current journey (null when none).
 */
public record StoredCustomer(String id, CustomerData data, Instant updatedAt, ContactHistory history, Journey journey) {

    public StoredCustomer(String id, CustomerData data, Instant updatedAt) {
        this(id, data, updatedAt, ContactHistory.EMPTY, null);
    }

    /**
     * Whether a profile is stored (written by {@code PUT}, an import or a {@code profile_change}, which
     * always stamp {@code updatedAt}); without one, events may still have stored contacts, a journey,
     * a cart, recent events, consent and engagement.
     */
    public boolean hasProfile() {
        return updatedAt != null || !data.profile().isEmpty();
    }

    /** The top offer the customer was last given across channels, since when, and by which decision. */
    public record Journey(String offerId, Instant since, String decisionId) {
    }
}
