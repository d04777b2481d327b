package io.nbo.context;

import io.nbo.redis.KeySchema;
import java.util.regex.Pattern;

/**
 * The rule customer ids follow (event and decision ids follow it too): 1-128 of A-Z a-z 0-9 . _ : @ + -,
 * as each becomes part of Redis keys ({@link KeySchema#CUSTOMER_ID_REGEX}).
 */
public final class CustomerId {

    /** The rule as a regular expression, for annotations and API schemas. */
    public static final String REGEX = KeySchema.CUSTOMER_ID_REGEX;
    /** {@link #REGEX} compiled. */
    public static final Pattern PATTERN = KeySchema.CUSTOMER_ID;
    /** What a caller with an invalid id is told. */
    public static final String RULE = "must be 1-128 letters, digits or . _ : @ + -";

    private CustomerId() {
    }

    /** Whether {@code id} follows the rule. */
    public static boolean isValid(String id) {
        return id != null && PATTERN.matcher(id).matches();
    }
}
