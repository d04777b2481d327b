package io.nbo.offers;

import io.nbo.model.Offer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The offers marketers publish, by id, in file order. Immutable. */
public final class OfferCatalog {

    private final Map<String, Offer> offers = new LinkedHashMap<>();

    public OfferCatalog(List<Offer> offers) {
        offers.forEach(o -> this.offers.put(o.getId(), o));
    }

    public List<Offer> all() {
        return List.copyOf(offers.values());
    }

    /** The offers whose validity window contains {@code at}. */
    public List<Offer> validAt(Instant at) {
        return offers.values().stream().filter(o -> o.isValidAt(at)).toList();
    }

    /**
     * The longest span around {@code at}, from (inclusive) to until (exclusive), in which
     * {@link #validAt} gives the same offers: between the nearest validity bounds before and after it.
     */
    public Span sameOffersAround(Instant at) {
        Instant from = Instant.MIN;
        Instant until = Instant.MAX;
        for (Offer o : offers.values()) {
            for (Instant bound : new Instant[] {o.getValidFrom(), o.getValidUntil()}) {
                if (bound == null) {
                    continue;
                }
                if (!bound.isAfter(at) && bound.isAfter(from)) {
                    from = bound;
                } else if (bound.isAfter(at) && bound.isBefore(until)) {
                    until = bound;
                }
            }
        }
        return new Span(from, until);
    }

    /** A span of time, from (inclusive) to until (exclusive). */
    public record Span(Instant from, Instant until) {
        public boolean contains(Instant at) {
            return !at.isBefore(from) && at.isBefore(until);
        }
    }

    public Optional<Offer> find(String id) {
        return Optional.ofNullable(offers.get(id));
    }

    public int size() {
        return offers.size();
    }
}
