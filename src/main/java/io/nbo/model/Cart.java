package io.nbo.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

/**
 * The customer's current cart: what is in it and when it last changed. Items may not be null (the
 * list keeps one given as null, so that validation can point at it).
 */
public record Cart(@Size(max = 500) List<@NotNull(message = "must be a cart item, not null") @Valid CartItem> items,
                   @org.eclipse.microprofile.openapi.annotations.media.Schema(nullable = true,
                           description = "When the cart last changed; null for a cart that never had anything") Instant updatedAt) {

    public static final Cart EMPTY = new Cart(List.of(), null);

    public Cart {
        items = items == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(items));
    }

    public List<CartItem> getItems() {
        return items;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    @JsonIgnore
    public boolean isEmpty() {
        return items.isEmpty();
    }

    /** Sum of price × quantity over all items. */
    @JsonIgnore
    public double getTotal() {
        return items.stream().mapToDouble(CartItem::getLineTotal).sum();
    }

    /** Number of units in the cart. */
    @JsonIgnore
    public int getItemCount() {
        return items.stream().mapToInt(CartItem::quantity).sum();
    }

    /** Whether any item in the cart is of this category. */
    public boolean hasCategory(String category) {
        return items.stream().anyMatch(i -> category.equals(i.category()));
    }
}
