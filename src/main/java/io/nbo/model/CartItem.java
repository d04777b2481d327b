package io.nbo.model;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Positive;

/** One line of a customer's cart. */
public record CartItem(
        @NotBlank String sku,
        @org.eclipse.microprofile.openapi.annotations.media.Schema(nullable = true) String name,
        @org.eclipse.microprofile.openapi.annotations.media.Schema(nullable = true) String category,
        @PositiveOrZero double price,
        @Positive int quantity) {

    public CartItem {
        if (quantity == 0) {
            quantity = 1;
        }
    }

    public String getSku() {
        return sku;
    }

    public String getName() {
        return name;
    }

    public String getCategory() {
        return category;
    }

    public double getPrice() {
        return price;
    }

    public int getQuantity() {
        return quantity;
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public double getLineTotal() {
        return price * quantity;
    }
}
