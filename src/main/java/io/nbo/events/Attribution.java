package io.nbo.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What an offer event was attributed to: the offer, channel and rule-set version of the recorded
 * decision it names, or, when it cannot be ({@code attributed} false, {@code reason} says why), the
 * offer and channel the event gives, under version {@code unknown}.
 *
 * @param reason {@code no_decision}, {@code decision_unknown} (not recorded, or expired) or
 *               {@code offer_not_in_decision}; absent when attributed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Attribution(String decisionId, String offerId, String channel, String ruleSetVersion, boolean attributed, String reason) {

    /** The version the report files unattributed events under. */
    public static final String UNKNOWN_VERSION = "unknown";
}
