package io.nbo.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * How nbo reads JSON from callers (the API and the import): a body is one JSON value with nothing
 * after it, a key appears once in an object, a whole number is not given as {@code 1.5} (nor
 * {@code 1.0}), and text is not given as a number or a boolean. Jackson's defaults let all four
 * through (the last key wins, a fraction is cut, {@code false} becomes {@code "false"}).
 */
public final class StrictJson {

    private StrictJson() {
    }

    /** Sets the rules on a mapper and returns it. */
    public static <M extends ObjectMapper> M apply(M mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean}) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        return mapper;
    }
}
