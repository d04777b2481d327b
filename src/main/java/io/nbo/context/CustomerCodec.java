package io.nbo.context;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.nbo.model.Cart;
import io.nbo.model.CustomerData;
import io.nbo.model.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a customer into the arguments of the upsert script, and the load script's reply back into a customer. */
public final class CustomerCodec {

    static final String UPDATED_AT = "@updatedAt";

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    // Readers made once: ObjectMapper.readValue resolves the type and finds its deserializer on every call.
    // Lenient on nulls: what is in Redis was checked when it was written, and older versions wrote absent fields as null.
    private static final ObjectReader CART = JSON.readerFor(Cart.class).withAttribute(io.nbo.model.NullRefused.LENIENT, true);
    private static final ObjectReader EVENT = JSON.readerFor(Event.class).withAttribute(io.nbo.model.NullRefused.LENIENT, true);

    private CustomerCodec() {
    }

    /**
     * Upsert script arguments: profile pairs, consent pairs, engagement pairs (each preceded by its
     * pair count), the cart JSON ('' for none), then the recent events (preceded by their count).
     */
    static String[] upsertArgs(CustomerData data, Instant updatedAt) {
        List<String> args = new ArrayList<>();
        args.add(String.valueOf(data.profile().size() + 1));
        data.profile().forEach((k, v) -> {
            args.add(k);
            args.add(ProfileValues.encode(v));
        });
        args.add(UPDATED_AT);
        args.add(ProfileValues.encode(updatedAt));
        args.add(String.valueOf(data.consent().size()));
        data.consent().forEach((k, v) -> {
            args.add(k);
            args.add(Boolean.TRUE.equals(v) ? "1" : "0");
        });
        List<String> engagement = new ArrayList<>();
        data.engagement().forEach((channel, counters) -> counters.forEach((metric, count) -> {
            engagement.add(channel + ":" + metric);
            engagement.add(String.valueOf(count));
        }));
        args.add(String.valueOf(engagement.size() / 2));
        args.addAll(engagement);
        args.add(data.cart().isEmpty() && data.cart().updatedAt() == null ? "" : write(data.cart()));
        args.add(String.valueOf(data.recent().size()));
        data.recent().forEach(e -> args.add(write(e)));
        return args.toArray(String[]::new);
    }

    /** A recent event as stored in the customer's {@code recent} list, and read back by {@link #fromReply}. */
    public static String recentEntry(Event event) {
        return write(event);
    }

    /** Decodes the load script's reply; empty when nothing is stored for the customer. */
    @SuppressWarnings("unchecked")
    static java.util.Optional<StoredCustomer> fromReply(String id, List<Object> reply) {
        if (((List<Object>) reply.get(0)).isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(decode(id, reply));
    }

    /** Decodes a reply in the load script's order, whether or not the customer has a profile. */
    @SuppressWarnings("unchecked")
    static StoredCustomer decode(String id, List<Object> reply) {
        List<Object> profilePairs = (List<Object>) reply.get(0);
        Map<String, Object> profile = new LinkedHashMap<>();
        Instant updatedAt = null;
        for (int i = 0; i + 1 < profilePairs.size(); i += 2) {
            String name = (String) profilePairs.get(i);
            Object value = ProfileValues.decode((String) profilePairs.get(i + 1));
            if (UPDATED_AT.equals(name)) {
                updatedAt = value instanceof Instant t ? t : null;
            } else {
                profile.put(name, value);
            }
        }
        Map<String, Boolean> consent = new LinkedHashMap<>();
        pairs(reply.get(1), (k, v) -> consent.put(k, "1".equals(v)));
        Map<String, Map<String, Long>> engagement = new LinkedHashMap<>();
        pairs(reply.get(2), (k, v) -> {
            int colon = k.indexOf(':');
            if (colon > 0) {
                engagement.computeIfAbsent(k.substring(0, colon), c -> new LinkedHashMap<>())
                        .put(k.substring(colon + 1), parseLong(v));
            }
        });
        String cartJson = (String) reply.get(3);
        Cart cart = cartJson == null || cartJson.isEmpty() ? Cart.EMPTY : withoutNullItems(read(cartJson, CART));
        List<Event> recent = new ArrayList<>();
        for (Object e : (List<Object>) reply.get(4)) {
            Event event = read((String) e, EVENT);
            // A null stored before writes were checked for them: left out, so it cannot fail the rules.
            if (event != null) {
                recent.add(event);
            }
        }
        List<io.nbo.model.Contact> contacts = new ArrayList<>();
        StoredCustomer.Journey journey = null;
        if (reply.size() > 6) {
            List<Object> scored = (List<Object>) reply.get(5);
            for (int i = 0; i + 1 < scored.size(); i += 2) {
                io.nbo.model.Contact c = io.nbo.model.Contact.parse((String) scored.get(i),
                        Instant.ofEpochMilli((long) Double.parseDouble((String) scored.get(i + 1))));
                if (c != null) {
                    contacts.add(c);
                }
            }
            Map<String, String> j = new LinkedHashMap<>();
            pairs(reply.get(6), j::put);
            if (j.containsKey("offer") && j.containsKey("at")) {
                journey = new StoredCustomer.Journey(j.get("offer"), Instant.ofEpochMilli(parseLong(j.get("at"))), j.get("decision"));
            }
        }
        return new StoredCustomer(id, new CustomerData(profile, consent, engagement, cart, recent), updatedAt,
                new io.nbo.model.ContactHistory(contacts), journey);
    }

    private static Cart withoutNullItems(Cart cart) {
        return cart.items().stream().anyMatch(java.util.Objects::isNull) ? new Cart(cart.items().stream().filter(java.util.Objects::nonNull).toList(), cart.updatedAt()) : cart;
    }

    @SuppressWarnings("unchecked")
    private static void pairs(Object list, java.util.function.BiConsumer<String, String> each) {
        List<Object> l = (List<Object>) list;
        for (int i = 0; i + 1 < l.size(); i += 2) {
            each.accept((String) l.get(i), (String) l.get(i + 1));
        }
    }

    private static long parseLong(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + value, e);
        }
    }

    private static <T> T read(String json, ObjectReader type) {
        try {
            return type.readValue(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt customer data in Redis: " + e.getOriginalMessage(), e);
        }
    }
}
