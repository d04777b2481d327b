package io.nbo.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** A channel an offer can be asked for on or delivered over. */
public enum Channel {
    WEB(false), APP(false), EMAIL(true), SMS(true), PUSH(true), CALL_CENTER(false), STORE(false);

    private final boolean outbound;
    private final String id;

    Channel(boolean outbound) {
        this.outbound = outbound;
        this.id = name().toLowerCase(Locale.ROOT);
    }

    /** The lowercase name used in JSON, YAML, Redis and DRL ("web", "call_center"). */
    public String id() {
        return id;
    }

    /**
     * Outbound channels (email, sms, push) reach the customer unasked and need explicit consent;
     * inbound ones (web, app, call_center, store) answer a customer who is already there.
     */
    public boolean isOutbound() {
        return outbound;
    }

    // Rules and policies look channels up many times per decision: no stream, no array copy, no new Optional.
    private static final java.util.Map<String, Optional<Channel>> BY_ID = Arrays.stream(values())
            .collect(java.util.stream.Collectors.toUnmodifiableMap(Channel::id, Optional::of));

    public static Optional<Channel> fromId(String id) {
        return id == null ? Optional.empty() : BY_ID.getOrDefault(id, Optional.empty());
    }

    /** The ids of all channels, for error messages and documentation. */
    public static String ids() {
        return String.join(", ", Arrays.stream(values()).map(Channel::id).toList());
    }

    @Override
    public String toString() {
        return id;
    }
}
