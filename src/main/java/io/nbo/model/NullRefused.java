package io.nbo.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import java.io.IOException;

/**
 * Reads a field that may be left out but, when given, is not {@code null}: {@code "name": null} is
 * refused (an {@link InvalidNullException} pointing at the field), no {@code name} at all is fine.
 * ({@code @JsonSetter(nulls = FAIL)} refuses a record's absent field too.) Data read back from Redis
 * is read with {@link #LENIENT} set, so what older versions stored still reads.
 */
public final class NullRefused extends JsonDeserializer<Object> implements ContextualDeserializer {

    /** A reader attribute: when {@code true}, a null is taken as the field's null value instead of refused. */
    public static final String LENIENT = "nbo.null-lenient";

    private final JsonDeserializer<Object> delegate;
    private final JavaType type;

    public NullRefused() {
        this(null, null);
    }

    private NullRefused(JsonDeserializer<Object> delegate, JavaType type) {
        this.delegate = delegate;
        this.type = type;
    }

    @Override
    public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) throws JsonMappingException {
        return new NullRefused(ctxt.findContextualValueDeserializer(property.getType(), property), property.getType());
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        return delegate.deserialize(p, ctxt);
    }

    @Override
    public Object getNullValue(DeserializationContext ctxt) throws JsonMappingException {
        if (Boolean.TRUE.equals(ctxt.getAttribute(LENIENT))) {
            return delegate.getNullValue(ctxt);
        }
        throw InvalidNullException.from(ctxt, null, type);
    }

    @Override
    public Object getAbsentValue(DeserializationContext ctxt) throws JsonMappingException {
        return delegate.getAbsentValue(ctxt);
    }
}
