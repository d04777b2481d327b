package io.nbo.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.core.JsonParseException;
import io.nbo.config.StrictJson;
import io.nbo.context.CustomerDataValidator;
import io.nbo.model.Cart;
import io.nbo.model.CartItem;
import io.nbo.model.CustomerData;
import io.nbo.model.Event;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads JSON lines (each line the body of {@code PUT /v1/customers/{id}} plus its id): one customer per line,
 * {@code {"id": "...", "profile": {...}, "consent": {...}, "engagement": {...}, "cart": {...}, "recent": [...]}},
 * everything but the id optional. Blank lines are skipped.
 */
final class JsonLinesReader implements CustomerReader {

    // As the API reads a customer (StrictJson), and typos in field names are caught, not silently dropped.
    static final ObjectMapper JSON = StrictJson.apply(JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build());

    private final BufferedReader in;
    private final CustomerDataValidator validator;
    private long lineNumber;

    JsonLinesReader(BufferedReader in, CustomerDataValidator validator) {
        this.in = in;
        this.validator = validator;
    }

    @Override
    public CustomerLine next() throws IOException {
        String text;
        while ((text = in.readLine()) != null) {
            lineNumber++;
            if (lineNumber == 1 && text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            if (!text.isBlank()) {
                return parse(lineNumber, text, validator);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** One line as written; everything but the id optional. */
    record Line(String id, Map<String, Object> profile, Map<String, Boolean> consent,
                Map<String, Map<String, Long>> engagement, Cart cart, List<Event> recent) {
    }

    /** Parses one line with Jackson, then checks it as the API would. */
    static CustomerLine parse(long line, String text, CustomerDataValidator validator) {
        Line l;
        try {
            l = JSON.readValue(text, Line.class);
        } catch (JsonParseException e) {
            return notJson(line, e);
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof JsonParseException p) {
                return notJson(line, p);
            }
            if (e instanceof JsonMappingException m && m.getPath().isEmpty()) {
                return CustomerLine.rejected(line, "expected a JSON object with an \"id\"");
            }
            return CustomerLine.rejected(line, path(e) + ": " + mappingMessage(e));
        }
        if (l == null) {
            return CustomerLine.rejected(line, "expected a JSON object with an \"id\"");
        }
        return new LineProblems().check(line, l.id(),
                new CustomerData(l.profile(), l.consent(), l.engagement(), l.cart(), l.recent()), validator);
    }

    private static String quoteValue(Object value) {
        return value instanceof String text ? LineProblems.quote(text) : String.valueOf(value);
    }

    private static CustomerLine notJson(long line, JsonParseException e) {
        String message = e.getOriginalMessage();
        int detail = message.indexOf(" (start marker");
        return CustomerLine.rejected(line, "not valid JSON: " + (detail < 0 ? message : message.substring(0, detail)));
    }

    /** The field a Jackson mapping error is about, e.g. {@code cart.items[0].price}. */
    private static String path(JsonProcessingException e) {
        StringBuilder path = new StringBuilder();
        if (e instanceof JsonMappingException m) {
            for (JsonMappingException.Reference ref : m.getPath()) {
                if (ref.getIndex() >= 0) {
                    path.append('[').append(ref.getIndex()).append(']');
                } else if (ref.getFieldName() != null) {
                    path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
                }
            }
        }
        return path.toString();
    }

    private static String mappingMessage(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            Set<String> known = new TreeSet<>();
            u.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
            return "unknown field (known: " + String.join(", ", known) + ")";
        }
        if (e instanceof ValueInstantiationException) {
            return "must not contain null";
        }
        if (e instanceof InvalidNullException) {
            return "must not be null (leave it out instead)";
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            Class<?> type = m.getTargetType();
            if (type == Instant.class) {
                return "must be an ISO instant such as 2026-11-23T12:00:00Z";
            }
            if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
                return "must be an integer";
            }
            if (type == double.class || type == Double.class) {
                return "must be a number";
            }
            if (type == String.class) {
                return "must be text";
            }
            if (type == Boolean.class || type == boolean.class) {
                return "must be true or false" + (e instanceof InvalidFormatException f ? " (got " + quoteValue(f.getValue()) + ")" : "");
            }
            if (List.class.isAssignableFrom(type)) {
                return "must be a list";
            }
            if (Map.class.isAssignableFrom(type) || type == Cart.class || type == CartItem.class || type == Event.class) {
                return "must be an object";
            }
        }
        String message = e.getOriginalMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
