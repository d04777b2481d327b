package io.nbo.api;

import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One event as a channel sends it to {@code POST /v1/events}: the OpenAPI description of what
 * {@link io.nbo.events.EventReader} reads (it reads the JSON itself, so it can name every problem of
 * a batch at once). Its patterns and limits come from the reader's own constants; ApiContractTest
 * sends what this says is invalid and expects a 400.
 */
@Schema(name = "EventInput", description = "An offer response (impression, click, accept, reject, dismiss, conversion: name the "
        + "decisionId, or the offerId and channel) or customer behaviour (page_view, cart_add, cart_remove, purchase, opt_in, "
        + "opt_out, profile_change, or any other lowercase type). A conversion needs amount; opt_in and opt_out need channel; "
        + "cart_add and cart_remove need attributes.sku; profile_change needs attributes (profile values, as in PUT "
        + "/v1/customers/{id}).")
public record EventInput(
        @Schema(required = true, description = "Unique per customer: a retry with the same id changes nothing", examples = "ev-1001")
        String eventId,
        @Schema(required = true, description = "impression, click, accept, reject, dismiss, conversion, page_view, cart_add, "
                + "cart_remove, purchase, opt_in, opt_out, profile_change, or any other lowercase type (kept as recent behaviour)",
                examples = "click")
        String type,
        @Schema(required = true, examples = "demo-000042")
        String customerId,
        @Schema(type = SchemaType.STRING, format = "date-time", description = "When it happened; refused more than 5 minutes "
                + "ahead or older than nbo.events.dedupe-window (a retry could no longer be recognised). Default: when nbo receives it")
        String timestamp,
        @Schema(description = "The decision an offer event answers (its decisionId); only offer events name one")
        String decisionId,
        @Schema(description = "The offer; only offer events name one", examples = "winback-vip-call")
        String offerId,
        @Schema(description = "The channel: required for opt_in and opt_out, and for offer events whose decision cannot supply it")
        String channel,
        @Schema(description = "Only for a conversion (required) or a purchase", minimum = "0")
        Double amount,
        @Schema(description = "Up to 50 of name → text, number or boolean")
        Map<String, Object> attributes) {
}
