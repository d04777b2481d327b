package io.nbo.events;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What an event is, and what it changes. Offer events answer a decision and move the engagement and
 * report counters; behavioural events change the customer's context. Any other lowercase type
 * ({@code search}, {@code email_open}) is behaviour recorded in the customer's recent events.
 */
public enum EventType {
    IMPRESSION("impression", "sent", "impressions"),
    CLICK("click", "clicks", "clicks"),
    ACCEPT("accept", "accepts", "accepts"),
    REJECT("reject", "rejects", "rejects"),
    DISMISS("dismiss", "dismisses", "dismisses"),
    CONVERSION("conversion", "conversions", "conversions"),
    PAGE_VIEW("page_view"),
    CART_ADD("cart_add"),
    CART_REMOVE("cart_remove"),
    PURCHASE("purchase"),
    OPT_IN("opt_in"),
    OPT_OUT("opt_out"),
    PROFILE_CHANGE("profile_change"),
    /** Any other behaviour, recorded in the customer's recent events. */
    OTHER("other");

    /** Custom behaviour types: a lowercase letter, then up to 31 lowercase letters, digits or '_'. */
    public static final Pattern CUSTOM = Pattern.compile("[a-z][a-z0-9_]{0,31}");

    private static final Map<String, EventType> BY_ID = Arrays.stream(values()).filter(t -> t != OTHER)
            .collect(Collectors.toUnmodifiableMap(EventType::id, Function.identity()));

    private final String id;
    private final String engagementMetric;
    private final String reportMetric;

    EventType(String id, String engagementMetric, String reportMetric) {
        this.id = id;
        this.engagementMetric = engagementMetric;
        this.reportMetric = reportMetric;
    }

    EventType(String id) {
        this(id, null, null);
    }

    /** The type as written in events ({@code page_view}); {@code other} for custom behaviour. */
    public String id() {
        return id;
    }

    /** Whether the event answers a decision: impression, click, accept, reject, dismiss, conversion. */
    public boolean isOffer() {
        return engagementMetric != null;
    }

    /** The engagement counter it adds to ({@code CHANNEL:sent} for an impression); null for behaviour. */
    public String engagementMetric() {
        return engagementMetric;
    }

    /** The report metric it adds to ({@code impressions}); null for behaviour. */
    public String reportMetric() {
        return reportMetric;
    }

    /** Whether it goes to the customer's recent events (the rules read them): everything but consent and profile changes. */
    public boolean isRecorded() {
        return !isOffer() && this != OPT_IN && this != OPT_OUT && this != PROFILE_CHANGE;
    }

    /** The type of an event's {@code type} field: a known one, {@link #OTHER} for custom behaviour, or null when invalid. */
    public static EventType of(String type) {
        EventType known = BY_ID.get(type);
        if (known != null) {
            return known;
        }
        return type != null && CUSTOM.matcher(type).matches() ? OTHER : null;
    }

    /** The known types, for error messages. */
    public static String ids() {
        return Arrays.stream(values()).filter(t -> t != OTHER).map(EventType::id).collect(Collectors.joining(", "));
    }
}
