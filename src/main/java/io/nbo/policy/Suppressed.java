package io.nbo.policy;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why an offer the rules made eligible was not served: the codes of a decision's {@code suppressed}. */
public enum Suppressed {
    /** A rule excluded it after another made it eligible. */
    EXCLUDED("excluded"),
    /** It has no creative for what the calling channel can deliver. */
    NOT_DELIVERABLE("not_deliverable"),
    /** The customer consents to none of the channels it could go on. */
    NO_CONSENT("no_consent"),
    /** A suppression policy holds it back after the customer's response. */
    SUPPRESSED("suppressed"),
    /** A contact cap is reached on every channel it could go on. */
    CAPPED("capped"),
    /** Its global cap is used up. */
    SOLD_OUT("sold_out");

    private final String code;

    Suppressed(String code) {
        this.code = code;
    }

    /** The code in the JSON answer and the meters' {@code code} tag. */
    @JsonValue
    public String code() {
        return code;
    }

    @Override
    public String toString() {
        return code;
    }
}
