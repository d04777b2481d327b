package io.nbo.context;

import io.nbo.model.CustomerData;
import java.time.Instant;

/** A customer as read back from Redis: their data and when it was last written. */
public record StoredCustomer(String id, CustomerData data, Instant updatedAt) {
}
