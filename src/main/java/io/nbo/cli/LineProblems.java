package io.nbo.cli;

import io.nbo.context.CustomerDataValidator;
import io.nbo.context.CustomerId;
import io.nbo.model.CustomerData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Collects what is wrong with one import line. The customer itself is checked by the same
 * {@link CustomerDataValidator} as {@code PUT /v1/customers/{id}}, so an import stores exactly what
 * the API would accept.
 */
final class LineProblems {

    private final List<String> problems = new ArrayList<>(2);

    void add(String field, String message) {
        problems.add(field + ": " + message);
    }

    /** Checks the id and the customer; the line, valid (data typed) or with every problem found. */
    CustomerLine check(long line, String id, CustomerData raw, CustomerDataValidator validator) {
        if (id == null || id.isEmpty()) {
            add("id", "missing");
        } else if (!CustomerId.isValid(id)) {
            add("id", CustomerId.RULE + " (got " + quote(id) + ")");
        }
        CustomerDataValidator.Checked checked = validator.check(raw);
        for (Map.Entry<String, String> e : checked.errors().entrySet()) {
            add(field(e.getKey()), e.getValue());
        }
        return problems.isEmpty()
                ? new CustomerLine(line, id, checked.data(), List.of())
                : new CustomerLine(line, id, null, List.copyOf(problems));
    }

    /** A JSON pointer as the field names people read in a report: {@code /cart/items/0/price} is {@code cart.items[0].price}. */
    static String field(String pointer) {
        StringBuilder sb = new StringBuilder();
        for (String part : pointer.substring(1).split("/")) {
            if (part.chars().allMatch(Character::isDigit) && !part.isEmpty()) {
                sb.append('[').append(part).append(']');
            } else {
                sb.append(sb.length() == 0 ? "" : ".").append(part);
            }
        }
        return sb.toString();
    }

    static String quote(String text) {
        String shown = text.length() > 60 ? text.substring(0, 60) + "..." : text;
        return "\"" + shown + "\"";
    }
}
