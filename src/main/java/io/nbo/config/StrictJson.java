package io.nbo.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * How nbo reads JSON from callers (the API and the import): a body is one JSON value with nothing
 * after it, a key appears once in an object, and a whole number is not given as {@code 1.5} (nor
 * {@code 1.0}). Jackson's defaults let all three through (the last key wins, a fraction is cut).
 */
public final class StrictJson {

    private StrictJson() {
    }

    /** Sets the rules on a mapper and returns it. */
    public static <M extends ObjectMapper> M apply(M mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return mapper;
    }
}
