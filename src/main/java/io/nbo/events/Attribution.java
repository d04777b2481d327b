package io.nbo.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What an offer event was attributed to: the offer, channel and rule-set version of the recorded
 * decision it names, or, when it cannot be ({@code attributed} false, {@code reason} says why), the
 * offer and channel the event gives, under version {@code unknown}.
 *
 * @param reason {@code no_decision}, {@code decision_unknown} (not recorded, or expired) or
 *               {@code offer_not_in_decision}; absent when attributed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Attribution(
        @Schema(description = "The decision the event named, when it named one") String decisionId,
        @Schema(required = true) String offerId,
        @Schema(required = true) String channel,
        @Schema(required = true, description = "The recorded decision's rule-set version, or unknown") String ruleSetVersion,
        @Schema(required = true) boolean attributed,
        @Schema(description = "Why not attributed", enumeration = {"no_decision", "decision_unknown", "offer_not_in_decision"})
        String reason) {

    /** The version the report files unattributed events under. */
    public static final String UNKNOWN_VERSION = "unknown";
}
