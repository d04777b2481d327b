package io.nbo.api;

import io.nbo.context.CustomerId;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of {@code POST /v1/decisions}. */
@Schema(description = "Ask for the next best offers for a customer on a channel")
public record DecisionRequest(
        @Schema(description = "The customer; leave out for an anonymous visitor", example = "demo-000042")
        @Pattern(regexp = CustomerId.REGEX, message = CustomerId.RULE)
        String customerId,
        @Schema(description = "Where the customer is now", required = true, example = "web")
        @NotBlank
        String channel,
        @Schema(description = "The slot on the page or screen", example = "home-hero")
        @Size(max = 100)
        String placement,
        @Schema(description = "The page or screen", example = "home")
        @Size(max = 200)
        String page,
        @Schema(description = "The device class", example = "mobile")
        @Size(max = 50)
        String device,
        @Schema(description = "How many offers to return (1-" + DecisionRequest.MAX_LIMIT + "); default 1", example = "3")
        @Min(1) @Max(DecisionRequest.MAX_LIMIT)
        Integer limit,
        @Schema(description = "Free-form attributes the rules can read, e.g. a campaign code", example = "{\"campaign\": \"bf26\"}")
        @Size(max = 50, message = "at most 50 context attributes")
        Map<String, Object> context) {

    /** The most offers one request may ask for. */
    public static final int MAX_LIMIT = 20;
}
