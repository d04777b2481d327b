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

    public Optional<Offer> find(String id) {
        return Optional.ofNullable(offers.get(id));
    }

    public int size() {
        return offers.size();
    }
}
