package io.nbo.model;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/**
 * Everything nbo knows about one customer, as stored in Redis and exchanged over the API.
 *
 * <p>Profile values are typed: text, numbers, booleans, and dates (an ISO {@code 2024-05-01} date or
 * an ISO instant such as {@code 2026-10-01T10:00:00Z}). Consent is per channel id; engagement is
 * counters per channel id ({@code sent}, {@code opens}, {@code clicks}, ...). A part left out (or
 * given as null) is empty; inside the parts, nulls are refused by {@link io.nbo.model.NullRefused} and
 * validation, so nothing stored is null.
 */
public record CustomerData(
        @NotNull @Size(max = 200) Map<String, Object> profile,
        @NotNull Map<String, Boolean> consent,
        @NotNull Map<String, Map<String, Long>> engagement,
        @NotNull @Valid Cart cart,
        @NotNull @Size(max = 200) List<@NotNull(message = "must be an event, not null") @Valid Event> recent) {

    public static final CustomerData EMPTY = new CustomerData(Map.of(), Map.of(), Map.of(), Cart.EMPTY, List.of());

    public CustomerData {
        profile = profile == null ? Map.of() : profile;
        consent = consent == null ? Map.of() : consent;
        engagement = engagement == null ? Map.of() : engagement;
        cart = cart == null ? Cart.EMPTY : cart;
        recent = recent == null ? List.of() : recent;
    }
}
