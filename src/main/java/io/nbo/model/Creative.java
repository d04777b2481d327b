package io.nbo.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** What the customer sees or hears of an offer on one channel. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Creative(
        @NotBlank @Size(max = 200) String headline,
        @Size(max = 2000) String body,
        @Size(max = 100) String cta,
        @Size(max = 2000) String url,
        @Size(max = 2000) String image) {
}
