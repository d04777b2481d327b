package io.nbo.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Positive;

/**
 * One line of a customer's cart. Everything but the sku may be left out (quantity 1, price 0), but a
 * field given as {@code null} is refused; a missing name or category is not written out as null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CartItem(
        @NotBlank String sku,
        @JsonDeserialize(using = NullRefused.class) String name,
        @JsonDeserialize(using = NullRefused.class) String category,
        @JsonDeserialize(using = NullRefused.class) @PositiveOrZero double price,
        @JsonDeserialize(using = NullRefused.class) @Positive int quantity) {

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
