package io.nbo.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.nbo.context.CustomerId;
import io.nbo.context.ProfileValues;
import io.nbo.events.InvalidEventsException.Problem;
import io.nbo.model.Channel;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads events from a request body (one event object, or an array of up to {@link #MAX_BATCH}) and
 * checks every field, collecting every problem with a JSON pointer, so the caller can fix them all
 * at once.
 */
public final class EventReader {

    /** The most events one request may carry. */
    public static final int MAX_BATCH = 1000;
    /** The most attributes one event may carry. */
    public static final int MAX_ATTRIBUTES = 50;
    /** The longest text attribute. */
    public static final int MAX_TEXT = 1000;
    /** How far in the future a timestamp may be (clock skew). */
    public static final Duration MAX_AHEAD = Duration.ofMinutes(5);
    /** The most units of one cart line. */
    public static final int MAX_QUANTITY = 10_000;
    /** Offer ids, as in the catalog. */
    public static final String OFFER_ID_REGEX = "[a-z0-9][a-z0-9_-]{0,63}";
    /** {@link #OFFER_ID_REGEX} compiled. */
    public static final Pattern OFFER_ID = Pattern.compile(OFFER_ID_REGEX);

    private static final Set<String> FIELDS = Set.of("eventId", "type", "customerId", "timestamp", "decisionId", "offerId",
            "channel", "amount", "attributes");
    private static final String KNOWN_FIELDS = String.join(", ", FIELDS.stream().sorted().toList());
    private static final String ID_RULE = CustomerId.RULE;

    /** What was read: the events when all are valid; else the problems, and the type of each invalid event (for metrics). */
    public record Read(List<CustomerEvent> events, List<Problem> problems, List<EventType> invalid) {
        public boolean isValid() {
            return problems.isEmpty();
        }
    }

    private final Duration dedupeWindow;

    public EventReader(Duration dedupeWindow) {
        this.dedupeWindow = dedupeWindow;
    }

    /** Reads a body checked against {@code now}: timestamps must be within the dedupe window and at most 5 minutes ahead. */
    public Read read(JsonNode body, Instant now) {
        List<CustomerEvent> events = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        List<EventType> invalid = new ArrayList<>();
        // The events of a batch often share timestamps, and parsing one is a good part of reading an event.
        Map<String, Instant> times = new HashMap<>();
        if (body == null || !(body.isObject() || body.isArray())) {
            problems.add(new Problem("/", "the body must be an event object or an array of events"));
        } else if (body.isObject()) {
            readOne(body, "", now, times, events, problems, invalid);
        } else if (body.isEmpty()) {
            problems.add(new Problem("/", "an empty batch: send at least one event"));
        } else if (body.size() > MAX_BATCH) {
            problems.add(new Problem("/", "at most " + MAX_BATCH + " events a request (got " + body.size() + ")"));
        } else {
            for (int i = 0; i < body.size(); i++) {
                readOne(body.get(i), "/" + i, now, times, events, problems, invalid);
            }
        }
        return new Read(events, problems, invalid);
    }

    private void readOne(JsonNode node, String at, Instant now, Map<String, Instant> times, List<CustomerEvent> events, List<Problem> problems,
                         List<EventType> invalid) {
        Checker c = new Checker(node, at, problems);
        if (!node.isObject()) {
            c.problem("", "must be an event object");
            invalid.add(null);
            return;
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                c.problem("/" + escape(name), "unknown field; known fields: " + KNOWN_FIELDS);
            }
        }
        String eventId = c.text("eventId", true, CustomerId.PATTERN, ID_RULE);
        String type = c.text("type", true, null, null);
        EventType kind = type == null ? null : EventType.of(type);
        if (type != null && kind == null) {
            c.problem("/type", "unknown type \"" + type + "\"; one of " + EventType.ids()
                    + ", or custom behaviour: lowercase letters, digits and '_', at most 32");
        }
        String customerId = c.text("customerId", true, CustomerId.PATTERN, ID_RULE);
        Instant timestamp = c.instant("timestamp", now, times);
        String decisionId = c.text("decisionId", false, CustomerId.PATTERN, ID_RULE);
        String offerId = c.text("offerId", false, OFFER_ID, "must be 1-64 lowercase letters, digits, '-' or '_', as in the catalog");
        String channel = c.text("channel", false, null, null);
        if (channel != null && Channel.fromId(channel).isEmpty()) {
            c.problem("/channel", "unknown channel \"" + channel + "\"; one of " + Channel.ids());
        }
        Double amount = c.amount();
        Map<String, Object> attributes = kind == EventType.PROFILE_CHANGE ? c.profile() : c.attributes();
        if (kind != null) {
            // A field that is there but invalid was named above; the checks below are about fields left out.
            checkKind(c, kind, given(node, "decisionId"), given(node, "offerId"), given(node, "channel"), given(node, "amount"), attributes);
        }
        if (c.failed) {
            invalid.add(kind);
        } else {
            events.add(new CustomerEvent(at, eventId, type, kind, customerId, timestamp, decisionId, offerId, channel, amount, attributes));
        }
    }

    private static boolean given(JsonNode node, String field) {
        return node.hasNonNull(field);
    }

    private static void checkKind(Checker c, EventType kind, boolean decisionId, boolean offerId, boolean channel, boolean amount,
                                  Map<String, Object> attributes) {
        if (kind.isOffer()) {
            if (!decisionId && !offerId) {
                c.problem("/decisionId", "an offer event names the decisionId it answers, or at least the offerId and channel");
            } else if (!decisionId && !channel) {
                c.problem("/channel", "required when the event names no decisionId");
            }
        } else {
            if (decisionId) {
                c.problem("/decisionId", "only offer events (impression, click, accept, reject, dismiss, conversion) name a decision");
            }
            if (offerId) {
                c.problem("/offerId", "only offer events (impression, click, accept, reject, dismiss, conversion) name an offer");
            }
        }
        if (kind == EventType.CONVERSION && !amount) {
            c.problem("/amount", "required for a conversion (0 when it has no value)");
        }
        if (amount && kind != EventType.CONVERSION && kind != EventType.PURCHASE) {
            c.problem("/amount", "only a conversion or a purchase has an amount");
        }
        if ((kind == EventType.OPT_IN || kind == EventType.OPT_OUT) && !channel) {
            c.problem("/channel", "required: the channel the customer opts in to or out of");
        }
        if (kind == EventType.PROFILE_CHANGE && attributes.isEmpty() && !c.failed) {
            c.problem("/attributes", "required: the profile attributes that changed, name → new value");
        }
        if (kind == EventType.CART_ADD || kind == EventType.CART_REMOVE) {
            checkCartLine(c, kind, attributes);
        }
    }

    private static void checkCartLine(Checker c, EventType kind, Map<String, Object> attributes) {
        if (!(attributes.get("sku") instanceof String sku) || sku.isBlank()) {
            c.problem("/attributes/sku", "required: the text sku of the cart line");
        }
        Object quantity = attributes.get("quantity");
        if (quantity != null && !(quantity instanceof Long q && q >= 1 && q <= MAX_QUANTITY)) {
            c.problem("/attributes/quantity", "must be a whole number from 1 to " + MAX_QUANTITY);
        }
        if (kind == EventType.CART_ADD) {
            Object price = attributes.get("price");
            if (price != null && !(price instanceof Number p && p.doubleValue() >= 0)) {
                c.problem("/attributes/price", "must be a number >= 0");
            }
            for (String text : List.of("name", "category")) {
                if (attributes.containsKey(text) && !(attributes.get(text) instanceof String)) {
                    c.problem("/attributes/" + text, "must be text");
                }
            }
        }
    }

    /** A JSON pointer token: '~' and '/' escaped (RFC 6901). */
    static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    /** Checks the fields of one event object, noting problems under its pointer. */
    private final class Checker {
        private final JsonNode node;
        private final String at;
        private final List<Problem> problems;
        boolean failed;

        Checker(JsonNode node, String at, List<Problem> problems) {
            this.node = node;
            this.at = at;
            this.problems = problems;
        }

        void problem(String where, String detail) {
            problems.add(new Problem(at.isEmpty() && where.isEmpty() ? "/" : at + where, detail));
            failed = true;
        }

        private JsonNode present(String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? null : value;
        }

        String text(String field, boolean required, Pattern pattern, String rule) {
            JsonNode value = present(field);
            if (value == null) {
                if (required) {
                    problem("/" + field, "required");
                }
                return null;
            }
            if (!value.isTextual()) {
                problem("/" + field, "must be text");
                return null;
            }
            String text = value.textValue();
            if (pattern != null && !pattern.matcher(text).matches()) {
                problem("/" + field, rule + " (got \"" + abbreviate(text) + "\")");
                return null;
            }
            return text;
        }

        /** The event's time; when it gives none, {@code now}, the time it was received. */
        Instant instant(String field, Instant now, Map<String, Instant> times) {
            if (present(field) == null) {
                return now;
            }
            String text = text(field, false, null, null);
            if (text == null) {
                return null;
            }
            Instant at = times.get(text);
            if (at == null) {
                try {
                    at = OffsetDateTime.parse(text).toInstant();
                } catch (DateTimeParseException e) {
                    problem("/" + field, "must be an ISO instant such as 2026-11-23T12:00:00Z (got \"" + abbreviate(text) + "\")");
                    return null;
                }
                times.put(text, at);
            }
            if (at.isAfter(now.plus(MAX_AHEAD))) {
                problem("/" + field, "more than " + MAX_AHEAD.toMinutes() + " minutes in the future");
            } else if (at.isBefore(now.minus(dedupeWindow))) {
                problem("/" + field, "older than the " + dedupeWindow.toDays() + "-day window in which a retry is recognised; "
                        + "it could not be applied exactly once");
            }
            return at;
        }

        Double amount() {
            JsonNode value = present("amount");
            if (value == null) {
                return null;
            }
            if (!value.isNumber() || !Double.isFinite(value.doubleValue()) || value.doubleValue() < 0) {
                problem("/amount", "must be a number >= 0");
                return null;
            }
            return value.doubleValue();
        }

        /** Attributes of behaviour and offer events: text, numbers and booleans. */
        Map<String, Object> attributes() {
            JsonNode value = attributesNode();
            if (value == null) {
                return Map.of();
            }
            Map<String, Object> out = new LinkedHashMap<>();
            value.fields().forEachRemaining(e -> {
                String where = "/attributes/" + escape(e.getKey());
                JsonNode v = e.getValue();
                if (!ProfileValues.NAME.matcher(e.getKey()).matches()) {
                    problem(where, "attribute names start with a letter and use letters, digits, '_', '-' or '.' (at most 64)");
                } else if (v.isTextual() && v.textValue().length() <= MAX_TEXT) {
                    out.put(e.getKey(), v.textValue());
                } else if (v.isTextual()) {
                    problem(where, "text longer than " + MAX_TEXT + " characters");
                } else if (v.isIntegralNumber() && v.canConvertToLong()) {
                    out.put(e.getKey(), v.longValue());
                } else if (v.isNumber() && Double.isFinite(v.doubleValue())) {
                    out.put(e.getKey(), v.doubleValue());
                } else if (v.isBoolean()) {
                    out.put(e.getKey(), v.booleanValue());
                } else {
                    problem(where, "must be text, a number or a boolean");
                }
            });
            return out;
        }

        /** A profile change's attributes: profile values, typed and checked as a customer upsert checks them. */
        Map<String, Object> profile() {
            JsonNode value = attributesNode();
            if (value == null) {
                return Map.of();
            }
            Map<String, Object> raw = new LinkedHashMap<>();
            value.fields().forEachRemaining(e -> raw.put(e.getKey(), plain(e.getValue())));
            Map<String, String> errors = new LinkedHashMap<>();
            Map<String, Object> typed = ProfileValues.normalize(raw, errors);
            errors.forEach((name, detail) -> problem("/attributes/" + escape(name), detail));
            return typed;
        }

        private JsonNode attributesNode() {
            JsonNode value = present("attributes");
            if (value == null) {
                return null;
            }
            if (!value.isObject()) {
                problem("/attributes", "must be an object of name → value");
                return null;
            }
            if (value.size() > MAX_ATTRIBUTES) {
                problem("/attributes", "at most " + MAX_ATTRIBUTES + " attributes (got " + value.size() + ")");
                return null;
            }
            return value;
        }
    }

    /** A JSON value as the plain Java value {@link ProfileValues#normalize} expects. */
    private static Object plain(JsonNode v) {
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isIntegralNumber()) {
            return v.bigIntegerValue();
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isObject()) {
            return Map.of();
        }
        if (v.isArray()) {
            return List.of();
        }
        return null;
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
