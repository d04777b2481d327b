package io.nbo.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.nbo.config.StrictJson;
import io.nbo.context.CustomerDataValidator;
import io.nbo.context.CustomerId;
import io.nbo.model.Cart;
import io.nbo.model.Channel;
import io.nbo.model.Customer;
import io.nbo.model.CustomerData;
import io.nbo.model.Event;
import io.nbo.model.Request;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a decision log in JSON lines (docs/evaluation.md), one event per line:
 * {@code {"time", "context": {"customer": {...}, "request": {...}}, "action", "probability", "reward", "candidates"}}.
 * The customer is checked as {@code PUT /v1/customers/{id}} and {@code nbo import} check it. A line that is not
 * right comes back with its number and every field that is wrong; blank lines are skipped.
 */
public final class DecisionLogReader implements AutoCloseable {

    /** One line: the event, or why it was rejected ({@code field: message}). */
    public record Line(long line, LoggedEvent event, List<String> problems) {

        public boolean isValid() {
            return problems.isEmpty();
        }

        /** {@code line 17: probability: must be in (0, 1]; reward: ...}. */
        public String describeProblems() {
            return "line " + line + ": " + String.join("; ", problems);
        }
    }

    static final Set<String> FIELDS = Set.of("time", "context", "action", "probability", "reward", "candidates");
    static final Set<String> CONTEXT_FIELDS = Set.of("customer", "request");
    static final Set<String> REQUEST_FIELDS = Set.of("channel", "placement", "page", "device", "attributes");
    static final Set<String> ACTION_FIELDS = Set.of("offer", "channel", "position");

    private static final ObjectMapper JSON = StrictJson.apply(JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build());

    /** The customer as an import line holds it. */
    private record CustomerPart(String id, Map<String, Object> profile, Map<String, Boolean> consent,
                                Map<String, Map<String, Long>> engagement, Cart cart, List<Event> recent) {
    }

    private final BufferedReader in;
    private final CustomerDataValidator validator;
    private long lineNumber;

    public DecisionLogReader(BufferedReader in, CustomerDataValidator validator) {
        this.in = in;
        this.validator = validator;
    }

    /** The next non-blank line, or null at the end. */
    public Line next() throws IOException {
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

    /** Parses and checks one line. */
    public static Line parse(long line, String text, CustomerDataValidator validator) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage();
            int detail = message.indexOf(" (start marker");
            return new Line(line, null, List.of("not valid JSON: " + (detail < 0 ? message : message.substring(0, detail))));
        }
        if (root == null || !root.isObject()) {
            return new Line(line, null, List.of("expected a JSON object with \"time\", \"context\", \"action\", \"probability\" and \"reward\""));
        }
        List<String> problems = new ArrayList<>();
        unknownFields(root, FIELDS, "", problems);

        Instant time = null;
        JsonNode t = root.get("time");
        if (t == null || t.isNull()) {
            problems.add("time: missing");
        } else {
            try {
                time = t.isTextual() ? Instant.parse(t.asText()) : null;
            } catch (DateTimeParseException e) {
                time = null;
            }
            if (time == null) {
                problems.add("time: must be an ISO instant such as 2026-11-23T12:00:00Z");
            }
        }

        Customer customer = null;
        Request request = null;
        JsonNode context = root.get("context");
        if (context != null && !context.isNull() && !context.isObject()) {
            problems.add("context: must be an object");
        } else {
            JsonNode c = context == null ? null : context.get("customer");
            JsonNode r = context == null ? null : context.get("request");
            if (context != null) {
                unknownFields(context, CONTEXT_FIELDS, "context.", problems);
            }
            customer = customer(c, time == null ? Instant.EPOCH : time, validator, problems);
            request = request(r, problems);
        }

        String offer = null;
        String channel = null;
        Integer position = null;
        JsonNode action = root.get("action");
        if (action == null || action.isNull()) {
            problems.add("action: missing");
        } else if (action.isTextual()) {
            offer = action.asText();
        } else if (action.isObject()) {
            unknownFields(action, ACTION_FIELDS, "action.", problems);
            offer = text(action, "offer", "action.offer", true, problems);
            channel = text(action, "channel", "action.channel", false, problems);
            if (channel != null && Channel.fromId(channel).isEmpty()) {
                problems.add("action.channel: unknown channel (one of " + Channel.ids() + ")");
            }
            JsonNode p = action.get("position");
            if (p != null && !p.isNull()) {
                if (!p.canConvertToExactIntegral() || !p.isNumber() || p.asInt() < 1) {
                    problems.add("action.position: must be a whole number >= 1 (1 for the top slot)");
                } else {
                    position = p.asInt();
                }
            }
        } else {
            problems.add("action: must be an offer id or an object {\"offer\", \"channel\", \"position\"}");
        }
        if (offer != null && offer.isEmpty()) {
            problems.add("action: the offer id must not be empty");
        }

        double probability = Double.NaN;
        JsonNode p = root.get("probability");
        if (p == null || p.isNull()) {
            problems.add("probability: missing (the logging policy's probability of the action, in (0, 1])");
        } else if (!p.isNumber() || !(p.asDouble() > 0 && p.asDouble() <= 1)) {
            problems.add("probability: must be a number in (0, 1] (got " + p + ")");
        } else {
            probability = p.asDouble();
        }

        double reward = Double.NaN;
        JsonNode rw = root.get("reward");
        if (rw == null || rw.isNull()) {
            problems.add("reward: missing");
        } else if (!rw.isNumber() || !Double.isFinite(rw.asDouble())) {
            problems.add("reward: must be a number, e.g. 1 for a click and 0 for none");
        } else {
            reward = rw.asDouble();
        }

        List<String> candidates = List.of();
        JsonNode cs = root.get("candidates");
        if (cs != null && !cs.isNull()) {
            if (!cs.isArray()) {
                problems.add("candidates: must be a list of offer ids");
            } else {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < cs.size(); i++) {
                    if (!cs.get(i).isTextual()) {
                        problems.add("candidates[" + i + "]: must be an offer id");
                    } else {
                        ids.add(cs.get(i).asText());
                    }
                }
                candidates = List.copyOf(ids);
                if (offer != null && !ids.isEmpty() && !ids.contains(offer)) {
                    problems.add("candidates: does not contain the action " + quote(offer));
                }
            }
        }
        if (!problems.isEmpty()) {
            return new Line(line, null, List.copyOf(problems));
        }
        return new Line(line, new LoggedEvent(line, time, customer, request, offer, channel, position, probability, reward, candidates), List.of());
    }

    private static Customer customer(JsonNode node, Instant time, CustomerDataValidator validator, List<String> problems) {
        if (node == null || node.isNull()) {
            return Customer.unknown(null, time);
        }
        CustomerPart part;
        try {
            part = JSON.treeToValue(node, CustomerPart.class);
        } catch (JsonProcessingException e) {
            problems.add("context.customer" + path(e) + ": " + mappingMessage(e));
            return null;
        }
        if (part == null) {
            problems.add("context.customer: must be an object");
            return null;
        }
        if (part.id() != null && !CustomerId.isValid(part.id())) {
            problems.add("context.customer.id: " + CustomerId.RULE + " (got " + quote(part.id()) + ")");
        }
        CustomerDataValidator.Checked checked = validator.check(
                new CustomerData(part.profile(), part.consent(), part.engagement(), part.cart(), part.recent()));
        checked.errors().forEach((pointer, message) -> problems.add("context.customer" + field(pointer) + ": " + message));
        return checked.isValid() ? new Customer(part.id(), true, checked.data(), time) : null;
    }

    private static Request request(JsonNode node, List<String> problems) {
        if (node == null || node.isNull()) {
            return new Request(null, null, null, null, Map.of());
        }
        if (!node.isObject()) {
            problems.add("context.request: must be an object");
            return null;
        }
        unknownFields(node, REQUEST_FIELDS, "context.request.", problems);
        String channel = text(node, "channel", "context.request.channel", false, problems);
        if (channel != null && Channel.fromId(channel).isEmpty()) {
            problems.add("context.request.channel: unknown channel (one of " + Channel.ids() + ")");
        }
        String placement = text(node, "placement", "context.request.placement", false, problems);
        String page = text(node, "page", "context.request.page", false, problems);
        String device = text(node, "device", "context.request.device", false, problems);
        Map<String, Object> attributes = new LinkedHashMap<>();
        JsonNode a = node.get("attributes");
        if (a != null && !a.isNull()) {
            if (!a.isObject()) {
                problems.add("context.request.attributes: must be an object");
            } else {
                for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    JsonNode v = e.getValue();
                    if (v.isTextual()) {
                        attributes.put(e.getKey(), v.asText());
                    } else if (v.isNumber()) {
                        attributes.put(e.getKey(), v.numberValue());
                    } else if (v.isBoolean()) {
                        attributes.put(e.getKey(), v.asBoolean());
                    } else if (!v.isNull()) {
                        problems.add("context.request.attributes." + e.getKey() + ": must be text, a number or true/false");
                    }
                }
            }
        }
        return new Request(channel, placement, page, device, attributes);
    }

    private static String text(JsonNode node, String name, String field, boolean required, List<String> problems) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                problems.add(field + ": missing");
            }
            return null;
        }
        if (!v.isTextual()) {
            problems.add(field + ": must be text");
            return null;
        }
        return v.asText();
    }

    private static void unknownFields(JsonNode node, Set<String> known, String prefix, List<String> problems) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                problems.add(prefix + name + ": unknown field (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
            }
        }
    }

    /** A JSON pointer as people read a field: {@code /cart/items/0/price} is {@code .cart.items[0].price}. */
    private static String field(String pointer) {
        StringBuilder sb = new StringBuilder();
        for (String part : pointer.substring(1).split("/")) {
            if (!part.isEmpty() && part.chars().allMatch(Character::isDigit)) {
                sb.append('[').append(part).append(']');
            } else {
                sb.append('.').append(part);
            }
        }
        return sb.toString();
    }

    private static String path(JsonProcessingException e) {
        StringBuilder path = new StringBuilder();
        if (e instanceof JsonMappingException m) {
            for (JsonMappingException.Reference ref : m.getPath()) {
                if (ref.getIndex() >= 0) {
                    path.append('[').append(ref.getIndex()).append(']');
                } else if (ref.getFieldName() != null) {
                    path.append('.').append(ref.getFieldName());
                }
            }
        }
        return path.toString();
    }

    private static String mappingMessage(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException) {
            return "unknown field (known: cart, consent, engagement, id, profile, recent)";
        }
        String message = e.getOriginalMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static String quote(String text) {
        return "\"" + (text.length() > 60 ? text.substring(0, 60) + "..." : text) + "\"";
    }
}
