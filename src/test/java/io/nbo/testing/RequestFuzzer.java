package io.nbo.testing;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.curiousoddman.rgxgen.RgxGen;
import io.nbo.testing.ApiDocument.Op;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Generates requests for an operation of the OpenAPI document, with a fixed seed: valid ones from its
 * schemas (required fields, optional ones half the time, values inside every range, pattern and enum),
 * and mutated ones: a wrong type, a missing required field, a number or a length out of range, a
 * value outside an enum, odd strings, nulls, an unknown field, a body that is not an object, malformed
 * or trailing JSON, duplicate keys, the wrong content type, and bad path and query parameters. Each
 * request says whether the document allows it: it is checked against the very schemas it came from.
 */
public final class RequestFuzzer {

    /** One request: where, what, and why it breaks the document's rules (null when it keeps them). */
    public record Call(Op op, String method, String path, String query, String contentType, byte[] body, String what, String invalid) {
        public String uri() {
            return query.isEmpty() ? path : path + "?" + query;
        }

        public String bodyText() {
            return body == null ? "" : new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            String text = bodyText();
            return method + " " + uri() + (body == null ? "" : " " + (text.length() > 300 ? text.substring(0, 300) + "…" : text))
                    + " [" + what + "]";
        }
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Strings a careless or hostile client sends. */
    private static final List<String> ODD = List.of("", " ", "\t", "\u0000", "\u202e", "é", "😀", "null", "NaN", "-1", "1e309", "0x10",
            "../../etc/passwd", "<script>alert(1)</script>", "%00", "' OR '1'='1", "{\"a\": 1}", "a".repeat(5000), "ÿ".repeat(200),
            "${jndi:ldap://127.0.0.1/x}", "\\", "line\nbreak");
    private static final List<String> WORDS = List.of("home", "checkout", "shoes", "bf26", "mobile", "agent-desktop", "gold", "fuzz");

    private final ApiDocument doc;
    private final Random random;
    private final Map<String, List<String>> known;
    /** Reads bodies as strictly as a client reading the document would write them: no trailing tokens, no duplicate keys. */
    private final ObjectMapper strict = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    /**
     * @param known path parameter values that exist in the application under test, by {@code "path template:name"}
     *              ({@code "/v1/customers/{id}:id"}); drawn most of the time, so requests reach past the 404
     */
    public RequestFuzzer(ApiDocument doc, long seed, Map<String, List<String>> known) {
        this.doc = doc;
        this.random = new Random(seed);
        this.known = known;
    }

    /** {@code n} requests for the operation: a third valid by its schemas, the rest with one thing broken. */
    public List<Call> calls(Op op, int n) {
        List<Call> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(call(op, i % 3 == 0));
        }
        return out;
    }

    private Call call(Op op, boolean valid) {
        List<String> whats = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        List<Parameter> parameters = op.operation().getParameters() == null ? List.of() : op.operation().getParameters();
        // Which single thing to break: a parameter or the body.
        boolean hasBody = op.operation().getRequestBody() != null;
        int breakable = parameters.size() + (hasBody ? 1 : 0);
        int target = valid || breakable == 0 ? -2 : random.nextInt(breakable);
        String path = op.path();
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            Schema<?> schema = resolve(p.getSchema());
            String value;
            if (i == target) {
                value = badParameter(schema);
                whats.add(p.getIn() + " " + p.getName() + "=" + abbreviate(value));
            } else if ("path".equals(p.getIn())) {
                List<String> values = known.getOrDefault(op.path() + ":" + p.getName(), List.of());
                value = !values.isEmpty() && random.nextInt(4) > 0 ? values.get(random.nextInt(values.size())) : text(schema);
            } else if (random.nextBoolean()) {
                value = scalarText(schema);
            } else {
                continue;
            }
            JsonNode asJson = parameterJson(schema, value);
            List<String> problems = doc.checkParameter(op, p, asJson);
            if (!problems.isEmpty()) {
                broken.add(p.getName() + ": " + problems.get(0));
            }
            if ("path".equals(p.getIn())) {
                path = path.replace("{" + p.getName() + "}", encode(value));
            } else {
                query.append(query.length() == 0 ? "" : "&").append(encode(p.getName())).append('=').append(encode(value));
            }
        }
        String contentType = null;
        byte[] body = null;
        if (hasBody) {
            MediaType json = op.operation().getRequestBody().getContent().get("application/json");
            Schema<?> schema = resolve(json.getSchema());
            JsonNode value = value(schema, 0);
            contentType = "application/json";
            String text;
            if (target == parameters.size()) {
                int kind = random.nextInt(12);
                if (kind == 0) {
                    contentType = random.nextBoolean() ? "text/plain" : "application/xml";
                    text = value.toString();
                    whats.add("content type " + contentType);
                    broken.add("the body is not application/json");
                } else if (kind == 1) {
                    text = rawMutation(value.toString(), whats);
                    broken.add("not one JSON value without duplicate keys");
                } else {
                    value = mutate(value, schema, whats);
                    text = value.toString();
                }
            } else {
                text = value.toString();
                whats.add(valid ? "valid" : "valid body");
            }
            body = text.getBytes(StandardCharsets.UTF_8);
            if ("application/json".equals(contentType)) {
                JsonNode parsed = strictly(text);
                if (parsed != null) {
                    List<String> problems = doc.checkRequest(op, parsed);
                    if (!problems.isEmpty()) {
                        broken.add("body " + problems.get(0));
                    }
                } else if (!broken.contains("not one JSON value without duplicate keys")) {
                    broken.add("not one JSON value");
                }
            }
        } else if (whats.isEmpty()) {
            whats.add("valid");
        }
        return new Call(op, op.method(), path, query.toString(), contentType, body, String.join(", ", whats),
                broken.isEmpty() ? null : String.join("; ", broken));
    }

    private JsonNode strictly(String text) {
        try {
            return strict.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }

    /** A value the schema allows. */
    public JsonNode value(Schema<?> raw, int depth) {
        Schema<?> schema = resolve(raw);
        if (schema.getConst() != null) {
            return NODES.pojoNode(schema.getConst());
        }
        if (schema.getOneOf() != null && !schema.getOneOf().isEmpty()) {
            return value(pick(schema.getOneOf()), depth);
        }
        if (schema.getAnyOf() != null && !schema.getAnyOf().isEmpty()) {
            return value(pick(schema.getAnyOf()), depth);
        }
        if (schema.getEnum() != null && !schema.getEnum().isEmpty()) {
            Object v = pick(schema.getEnum());
            return v == null ? NODES.nullNode() : NODES.textNode(String.valueOf(v));
        }
        String type = type(schema);
        switch (type) {
            case "null":
                return NODES.nullNode();
            case "boolean":
                return NODES.booleanNode(random.nextBoolean());
            case "integer":
                return NODES.numberNode(integer(schema));
            case "number":
                return NODES.numberNode(Math.round(number(schema) * 100) / 100.0);
            case "array":
                return array(schema, depth);
            case "object":
                return object(schema, depth);
            default:
                return NODES.textNode(text(schema));
        }
    }

    private ArrayNode array(Schema<?> schema, int depth) {
        ArrayNode out = NODES.arrayNode();
        int min = schema.getMinItems() == null ? 0 : schema.getMinItems();
        int max = Math.min(schema.getMaxItems() == null ? 3 : schema.getMaxItems(), min + 3);
        int n = depth > 4 ? min : min + random.nextInt(max - min + 1);
        for (int i = 0; i < n; i++) {
            out.add(schema.getItems() == null ? NODES.textNode(word()) : value(schema.getItems(), depth + 1));
        }
        return out;
    }

    private ObjectNode object(Schema<?> schema, int depth) {
        ObjectNode out = NODES.objectNode();
        List<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
        Map<String, Schema> properties = schema.getProperties() == null ? Map.of() : schema.getProperties();
        properties.forEach((name, property) -> {
            if (required.contains(name) || (depth < 4 && random.nextBoolean())) {
                out.set(name, value(property, depth + 1));
            }
        });
        Object additional = schema.getAdditionalProperties();
        int max = schema.getMaxProperties() == null ? 3 : Math.min(3, schema.getMaxProperties());
        if (depth < 4 && !Boolean.FALSE.equals(additional) && properties.isEmpty()) {
            int extra = random.nextInt(max + 1);
            for (int i = 0; i < extra && out.size() < max; i++) {
                String name = schema.getPropertyNames() == null ? word() + i : text(resolve(schema.getPropertyNames()));
                out.set(name, additional instanceof Schema<?> s ? value(s, depth + 1) : anyScalar());
            }
        }
        return out;
    }

    /** A value of any JSON scalar type, null included: what a free-form map may hold. */
    private JsonNode anyScalar() {
        return switch (random.nextInt(5)) {
            case 0 -> NODES.textNode(word());
            case 1 -> NODES.numberNode(random.nextInt(1000));
            case 2 -> NODES.numberNode(random.nextInt(1000) / 8.0);
            case 3 -> NODES.booleanNode(random.nextBoolean());
            default -> NODES.nullNode();
        };
    }

    private long integer(Schema<?> schema) {
        long min = schema.getMinimum() != null ? schema.getMinimum().longValue()
                : schema.getExclusiveMinimumValue() != null ? schema.getExclusiveMinimumValue().longValue() + 1 : 0;
        long max = schema.getMaximum() != null ? schema.getMaximum().longValue() : min + 100;
        return min + (long) (random.nextDouble() * (max - min + 1));
    }

    private double number(Schema<?> schema) {
        double min = schema.getMinimum() != null ? schema.getMinimum().doubleValue() : 0;
        double max = schema.getMaximum() != null ? schema.getMaximum().doubleValue() : min + 100;
        return min + random.nextDouble() * (max - min);
    }

    /** Text the schema allows: its format, pattern or length. */
    private String text(Schema<?> schema) {
        if (schema.getEnum() != null && !schema.getEnum().isEmpty()) {
            Object v = pick(schema.getEnum());
            return v == null ? word() : String.valueOf(v);
        }
        if ("date-time".equals(schema.getFormat())) {
            return Instant.now().minusSeconds(random.nextInt(3600)).toString();
        }
        if ("date".equals(schema.getFormat())) {
            return LocalDate.now(ZoneOffset.UTC).minusDays(random.nextInt(30)).toString();
        }
        String pattern = schema.getPattern();
        String out;
        if (pattern != null && !pattern.equals("\\S")) {
            out = RgxGen.parse(unanchored(pattern)).generate(random);
        } else {
            out = word();
        }
        int min = schema.getMinLength() == null ? 0 : schema.getMinLength();
        while (out.length() < min) {
            out = out + "x";
        }
        if (schema.getMaxLength() != null && out.length() > schema.getMaxLength()) {
            out = out.substring(0, schema.getMaxLength());
        }
        return out;
    }

    /** A query parameter's valid value as text. */
    private String scalarText(Schema<?> schema) {
        JsonNode v = value(schema, 0);
        return v.isTextual() ? v.textValue() : v.toString();
    }

    /** A parameter value that breaks its schema most of the time: odd text, numbers out of range or not numbers. */
    private String badParameter(Schema<?> schema) {
        String type = type(schema);
        if (type.equals("integer") || type.equals("number")) {
            List<String> bad = new ArrayList<>(List.of("abc", "1.5", "", "99999999999999999999", "1e3"));
            if (schema.getMinimum() != null) {
                bad.add(schema.getMinimum().subtract(BigDecimal.ONE).toPlainString());
                bad.add("-1");
            }
            if (schema.getMaximum() != null) {
                bad.add(schema.getMaximum().add(BigDecimal.ONE).toPlainString());
            }
            return pick(bad);
        }
        if ("date".equals(schema.getFormat())) {
            return pick(List.of("2026-13-45", "yesterday", "2026-02-30", "20261101", "2026-11-01T00:00:00Z"));
        }
        if (schema.getPattern() != null && random.nextBoolean()) {
            return RgxGen.parse(unanchored(schema.getPattern())).generateNotMatching(random);
        }
        String odd = pick(ODD);
        // A parameter in the path cannot be empty there (that is another path) and has a length limit in practice.
        return odd.isEmpty() || odd.length() > 300 ? "x".repeat(129) : odd;
    }

    /** A parameter value as JSON, the way the document's parameter schema reads it. */
    private static JsonNode parameterJson(Schema<?> schema, String value) {
        String type = type(schema);
        if (type.equals("integer")) {
            try {
                return NODES.numberNode(Long.parseLong(value));
            } catch (NumberFormatException e) {
                return NODES.textNode(value);
            }
        }
        return NODES.textNode(value);
    }

    /** The body with one thing broken, described in {@code whats}. */
    private JsonNode mutate(JsonNode body, Schema<?> schema, List<String> whats) {
        List<Site> sites = new ArrayList<>();
        sites(body, schema, "", sites);
        Site site = pick(sites);
        int kind = random.nextInt(8);
        JsonNode replacement;
        switch (kind) {
            case 0 -> {
                replacement = wrongType(site.value());
                whats.add("wrong type at " + site.pointer());
            }
            case 1 -> {
                replacement = NODES.nullNode();
                whats.add("null at " + site.pointer());
            }
            case 2 -> {
                if (site.value().isObject() && site.schema().getRequired() != null && !site.schema().getRequired().isEmpty()) {
                    ObjectNode copy = site.value().deepCopy();
                    String name = pick(site.schema().getRequired());
                    copy.remove(name);
                    replacement = copy;
                    whats.add("without required " + site.pointer() + "/" + name);
                } else {
                    replacement = NODES.nullNode();
                    whats.add("null at " + site.pointer());
                }
            }
            case 3 -> {
                if (site.value().isObject()) {
                    ObjectNode copy = site.value().deepCopy();
                    copy.put("fuzzUnknownField", 1);
                    replacement = copy;
                    whats.add("unknown field in " + site.pointer());
                } else {
                    replacement = outOfRange(site, whats);
                }
            }
            case 4, 5 -> replacement = outOfRange(site, whats);
            case 6 -> {
                String odd = pick(ODD);
                replacement = NODES.textNode(odd);
                whats.add("odd text at " + site.pointer() + ": " + abbreviate(odd));
            }
            default -> {
                replacement = pick(List.<JsonNode>of(NODES.arrayNode(), NODES.textNode("x"), NODES.numberNode(1), NODES.objectNode(),
                        NODES.booleanNode(true)));
                whats.add("replaced " + site.pointer() + " by " + replacement);
            }
        }
        return replace(body, site.pointer(), replacement);
    }

    private JsonNode outOfRange(Site site, List<String> whats) {
        Schema<?> s = site.schema();
        JsonNode v = site.value();
        if (v.isNumber() && s.getMaximum() != null && random.nextBoolean()) {
            whats.add("over the maximum at " + site.pointer());
            return NODES.numberNode(s.getMaximum().add(BigDecimal.ONE));
        }
        if (v.isNumber() && (s.getMinimum() != null || s.getExclusiveMinimumValue() != null)) {
            whats.add("under the minimum at " + site.pointer());
            BigDecimal min = s.getMinimum() != null ? s.getMinimum() : s.getExclusiveMinimumValue();
            return NODES.numberNode(min.subtract(BigDecimal.ONE));
        }
        if (v.isIntegralNumber()) {
            whats.add("a fraction at " + site.pointer());
            return NODES.numberNode(v.longValue() + 0.5);
        }
        if (v.isTextual() && s.getMaxLength() != null) {
            whats.add("too long at " + site.pointer());
            return NODES.textNode("y".repeat(s.getMaxLength() + 1));
        }
        if (v.isTextual() && s.getEnum() != null) {
            whats.add("not one of the values at " + site.pointer());
            return NODES.textNode("not-" + v.textValue());
        }
        if (v.isTextual() && s.getPattern() != null) {
            whats.add("not matching the pattern at " + site.pointer());
            return NODES.textNode(RgxGen.parse(unanchored(s.getPattern())).generateNotMatching(random));
        }
        if (v.isArray() && s.getMaxItems() != null && s.getMaxItems() < 2000) {
            whats.add("too many items at " + site.pointer());
            ArrayNode copy = NODES.arrayNode();
            JsonNode item = v.isEmpty() ? NODES.textNode(word()) : v.get(0);
            for (int i = 0; i <= s.getMaxItems(); i++) {
                copy.add(item.deepCopy());
            }
            return copy;
        }
        if (v.isObject() && s.getMaxProperties() != null && s.getMaxProperties() < 5000) {
            whats.add("too many properties at " + site.pointer());
            ObjectNode copy = v.deepCopy();
            for (int i = 0; copy.size() <= s.getMaxProperties(); i++) {
                copy.put("k" + i, "v");
            }
            return copy;
        }
        if (v.isArray()) {
            whats.add("a null item in " + site.pointer());
            ArrayNode copy = v.deepCopy();
            copy.addNull();
            return copy;
        }
        whats.add("wrong type at " + site.pointer());
        return wrongType(v);
    }

    private JsonNode wrongType(JsonNode v) {
        List<JsonNode> others = new ArrayList<>();
        if (!v.isTextual()) {
            others.add(NODES.textNode("42"));
        }
        if (!v.isNumber()) {
            others.add(NODES.numberNode(42));
        }
        if (!v.isBoolean()) {
            others.add(NODES.booleanNode(false));
        }
        if (!v.isObject()) {
            others.add(NODES.objectNode().put("a", 1));
        }
        if (!v.isArray()) {
            others.add(NODES.arrayNode().add(1));
        }
        return pick(others);
    }

    /** Text that is not one well-formed JSON value, or that has duplicate keys. */
    private String rawMutation(String valid, List<String> whats) {
        int kind = random.nextInt(5);
        whats.add(switch (kind) {
            case 0 -> "trailing characters";
            case 1 -> "truncated JSON";
            case 2 -> "duplicate keys";
            case 3 -> "a second JSON value";
            default -> "not JSON";
        });
        return switch (kind) {
            case 0 -> valid + "}}";
            case 1 -> valid.substring(0, Math.max(1, valid.length() / 2));
            case 2 -> valid.startsWith("{") && valid.length() > 2
                    ? "{\"customerId\": \"dup\", " + valid.substring(1, valid.length() - 1) + ", \"customerId\": \"dup2\"}"
                    : "{\"a\": 1, \"a\": 2}";
            case 3 -> valid + " " + valid;
            default -> "not json at all";
        };
    }

    /** A place in the body: its JSON pointer, its value and the schema it answers to. */
    private record Site(String pointer, JsonNode value, Schema<?> schema) {
    }

    private void sites(JsonNode value, Schema<?> raw, String pointer, List<Site> out) {
        Schema<?> schema = branch(resolve(raw), value);
        out.add(new Site(pointer, value, schema));
        if (value.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                Schema<?> child = schema.getProperties() != null && schema.getProperties().containsKey(field.getKey())
                        ? schema.getProperties().get(field.getKey())
                        : schema.getAdditionalProperties() instanceof Schema<?> s ? s : new Schema<>();
                sites(field.getValue(), child, pointer + "/" + ApiDocument.escape(field.getKey()), out);
            }
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                sites(value.get(i), schema.getItems() == null ? new Schema<>() : schema.getItems(), pointer + "/" + i, out);
            }
        }
    }

    /** Of a oneOf/anyOf, the branch that fits the value's JSON type. */
    private Schema<?> branch(Schema<?> schema, JsonNode value) {
        List<Schema> branches = schema.getOneOf() != null ? schema.getOneOf() : schema.getAnyOf();
        if (branches == null) {
            return schema;
        }
        for (Schema<?> b : branches) {
            Schema<?> r = resolve(b);
            String t = type(r);
            if ((value.isObject() && t.equals("object")) || (value.isArray() && t.equals("array"))
                    || (value.isTextual() && t.equals("string")) || (value.isNumber() && (t.equals("number") || t.equals("integer")))) {
                return r;
            }
        }
        return resolve(branches.get(0));
    }

    private static JsonNode replace(JsonNode body, String pointer, JsonNode replacement) {
        if (pointer.isEmpty()) {
            return replacement;
        }
        JsonNode copy = body.deepCopy();
        String parentPointer = pointer.substring(0, pointer.lastIndexOf('/'));
        String last = pointer.substring(pointer.lastIndexOf('/') + 1).replace("~1", "/").replace("~0", "~");
        JsonNode parent = parentPointer.isEmpty() ? copy : copy.at(parentPointer);
        if (parent instanceof ObjectNode o) {
            o.set(last, replacement);
        } else if (parent instanceof ArrayNode a) {
            a.set(Integer.parseInt(last), replacement);
        }
        return copy;
    }

    /** The schema a {@code $ref} names, or the schema itself. */
    public Schema<?> resolve(Schema<?> schema) {
        Schema<?> s = schema == null ? new Schema<>() : schema;
        for (int i = 0; s.get$ref() != null && i < 10; i++) {
            String name = s.get$ref().substring(s.get$ref().lastIndexOf('/') + 1);
            s = doc.model().getComponents().getSchemas().get(name);
        }
        return s;
    }

    /** One of the schema's types ("null" only now and then), or what its keywords imply. */
    private static String type(Schema<?> schema) {
        Set<String> types = schema.getTypes();
        if (types != null && !types.isEmpty()) {
            List<String> all = new ArrayList<>(types);
            if (all.size() > 1 && all.contains("null")) {
                all.remove("null");
            }
            return all.get(0);
        }
        if (schema.getType() != null) {
            return schema.getType();
        }
        if (schema.getProperties() != null || schema.getAdditionalProperties() != null) {
            return "object";
        }
        if (schema.getItems() != null) {
            return "array";
        }
        return "string";
    }

    private String word() {
        return pick(WORDS);
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static String unanchored(String pattern) {
        String p = pattern;
        if (p.startsWith("^")) {
            p = p.substring(1);
        }
        if (p.endsWith("$")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
