package io.nbo.model;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The customer as the rules see them: profile, consent, engagement, cart and recent behaviour, with
 * helpers that read well in DRL, e.g. {@code Customer(text("tier") == "gold", daysSince("lastPurchaseAt") > 90)}.
 *
 * <p>Missing values never throw: {@link #text} gives null, {@link #number} and {@link #daysSince}
 * give NaN (so every comparison with them is false), {@link #flag} gives false.
 */
public final class Customer {

    private final String id;
    private final boolean known;
    private final CustomerData data;
    private final ContactHistory history;
    private final Instant now;

    public Customer(String id, boolean known, CustomerData data, Instant now) {
        this(id, known, data, ContactHistory.EMPTY, now);
    }

    public Customer(String id, boolean known, CustomerData data, ContactHistory history, Instant now) {
        this.id = id;
        this.known = known;
        this.data = data;
        this.history = history;
        this.now = now;
    }

    /** A customer nbo has no data for: rules see only the request context. */
    public static Customer unknown(String id, Instant now) {
        return new Customer(id, false, CustomerData.EMPTY, now);
    }

    public String getId() {
        return id;
    }

    /**
     * False when no profile is stored for this customer (their contacts, cart, recent events and consent
     * from events still count), when there is no customer id, or when the store could not be read.
     */
    public boolean isKnown() {
        return known;
    }

    public CustomerData data() {
        return data;
    }

    public Map<String, Object> getProfile() {
        return data.profile();
    }

    public Cart getCart() {
        return data.cart();
    }

    public List<Event> getRecent() {
        return data.recent();
    }

    /** Whether the profile has this attribute. */
    public boolean has(String attribute) {
        return data.profile().containsKey(attribute);
    }

    /** A text attribute (any attribute, as text), or null when missing. */
    public String text(String attribute) {
        Object v = data.profile().get(attribute);
        return v == null ? null : v.toString();
    }

    /** A numeric attribute, or NaN when missing or not a number. */
    public double number(String attribute) {
        return data.profile().get(attribute) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** A boolean attribute; false when missing. */
    public boolean flag(String attribute) {
        return Boolean.TRUE.equals(data.profile().get(attribute));
    }

    /** A date attribute (a date-time is taken at UTC), or null. */
    public LocalDate date(String attribute) {
        Object v = data.profile().get(attribute);
        if (v instanceof LocalDate d) {
            return d;
        }
        if (v instanceof Instant i) {
            return i.atZone(ZoneOffset.UTC).toLocalDate();
        }
        return null;
    }

    /** Whole days from a date attribute to now, or NaN when the attribute is missing. */
    public double daysSince(String attribute) {
        Object v = data.profile().get(attribute);
        if (v instanceof Instant i) {
            return Duration.between(i, now).toDays();
        }
        if (v instanceof LocalDate d) {
            return ChronoUnit.DAYS.between(d, now.atZone(ZoneOffset.UTC).toLocalDate());
        }
        return Double.NaN;
    }

    /**
     * Whether the customer may be contacted on this channel: outbound channels (email, sms, push)
     * need explicit consent; inbound ones are allowed unless the customer opted out.
     */
    public boolean consents(String channel) {
        Boolean given = data.consent().get(channel);
        if (given != null) {
            return given;
        }
        return Channel.fromId(channel).map(c -> !c.isOutbound()).orElse(false);
    }

    /** An engagement counter for a channel ({@code sent}, {@code opens}, {@code clicks}, ...); 0 when missing. */
    public long engagement(String channel, String metric) {
        Map<String, Long> counters = data.engagement().get(channel);
        if (counters == null) {
            return 0;
        }
        Long v = counters.get(metric);
        return v == null ? 0 : v;
    }

    /** Hours since the cart last changed, or NaN for an empty cart or one with no time. */
    public double cartIdleHours() {
        Cart cart = data.cart();
        if (cart.isEmpty() || cart.updatedAt() == null) {
            return Double.NaN;
        }
        return Duration.between(cart.updatedAt(), now).toMinutes() / 60.0;
    }

    /** How many recent events of this type happened in the last {@code days} days. */
    public int recentCount(String type, int days) {
        Instant since = now.minus(Duration.ofDays(days));
        int n = 0;
        for (Event e : data.recent()) {
            if (e.type().equals(type) && !e.at().isBefore(since)) {
                n++;
            }
        }
        return n;
    }

    /** Whether a recent event of this type has an attribute with this value, e.g. viewed category "shoes". */
    public boolean recentlyDid(String type, String attribute, String value) {
        for (Event e : data.recent()) {
            if (e.type().equals(type) && value.equals(e.attr(attribute))) {
                return true;
            }
        }
        return false;
    }

    /** The same, within the last {@code days} days. */
    public boolean recentlyDid(String type, String attribute, String value, int days) {
        return recentCount(type, attribute, value, days) > 0;
    }

    /** How many recent events of this type with this attribute value happened in the last {@code days} days. */
    public int recentCount(String type, String attribute, String value, int days) {
        Instant since = now.minus(Duration.ofDays(days));
        int n = 0;
        for (Event e : data.recent()) {
            if (e.type().equals(type) && value.equals(e.attr(attribute)) && !e.at().isBefore(since)) {
                n++;
            }
        }
        return n;
    }

    /** Offers served to and responses of this customer, as far back as the contact policies look. */
    public ContactHistory history() {
        return history;
    }

    /**
     * How many times an offer was shown (impressions reported by a channel) in the last {@code days}
     * days, e.g. {@code Customer(timesShown("free-shipping", 7) < 2)}.
     */
    public long timesShown(String offerId, int days) {
        return history.count("impression", offerId, null, Duration.ofDays(days), now);
    }

    /**
     * How many responses of a kind ({@code click}, {@code accept}, {@code reject}, {@code dismiss},
     * {@code conversion}) the customer gave to an offer in the last {@code days} days.
     */
    public long responses(String kind, String offerId, int days) {
        return history.count(kind, offerId, null, Duration.ofDays(days), now);
    }

    /** How many offers were shown to the customer on a channel (impressions) in the last {@code days} days. */
    public long contactsOn(String channel, int days) {
        return history.count("impression", null, channel, Duration.ofDays(days), now);
    }

    /** The month of the decision (1-12, UTC), e.g. {@code number("birthMonth") == currentMonth()}. */
    public int currentMonth() {
        return now.atZone(ZoneOffset.UTC).getMonthValue();
    }

    /** The decision time, so rules can compare dates without reading the wall clock. */
    public Instant getNow() {
        return now;
    }

    @Override
    public String toString() {
        return "Customer[" + id + (known ? "" : ", unknown") + "]";
    }
}
