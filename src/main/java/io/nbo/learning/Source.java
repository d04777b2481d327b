package io.nbo.learning;

import io.nbo.model.Customer;
import io.nbo.model.Request;

/**
 * Where a declared predictor's value comes from, read at decision time from the customer's context and
 * the request: {@code profile.ATTRIBUTE}, {@code engagement.CHANNEL.METRIC}, {@code cart.total},
 * {@code cart.items}, {@code cart.idle-hours}, {@code request.channel|placement|page|device},
 * {@code context.ATTRIBUTE} (the request's attributes), {@code recent.TYPE} (events of that type in the
 * last 30 days). Nothing else is reachable: a predictor cannot name code or storage.
 */
public sealed interface Source {

    /** The value for this decision, or null when the customer or request has none. */
    Object read(Customer customer, Request request);

    /** The source as written in models.yaml. */
    String text();

    record Profile(String attribute) implements Source {
        public Object read(Customer c, Request r) {
            return c.getProfile().get(attribute);
        }

        public String text() {
            return "profile." + attribute;
        }
    }

    record Engagement(String channel, String metric) implements Source {
        public Object read(Customer c, Request r) {
            return c.isKnown() ? c.engagement(channel, metric) : null;
        }

        public String text() {
            return "engagement." + channel + "." + metric;
        }
    }

    record CartFact(String fact) implements Source {
        public Object read(Customer c, Request r) {
            return switch (fact) {
                case "total" -> c.getCart().getTotal();
                case "items" -> c.getCart().getItemCount();
                default -> c.getCart().isEmpty() ? null : c.cartIdleHours();
            };
        }

        public String text() {
            return "cart." + fact;
        }
    }

    record RequestFact(String fact) implements Source {
        public Object read(Customer c, Request r) {
            return switch (fact) {
                case "channel" -> r.getChannel();
                case "placement" -> r.getPlacement();
                case "page" -> r.getPage();
                default -> r.getDevice();
            };
        }

        public String text() {
            return "request." + fact;
        }
    }

    record Context(String attribute) implements Source {
        public Object read(Customer c, Request r) {
            return r.getAttributes().get(attribute);
        }

        public String text() {
            return "context." + attribute;
        }
    }

    record Recent(String type) implements Source {
        public Object read(Customer c, Request r) {
            return c.recentCount(type, 30);
        }

        public String text() {
            return "recent." + type;
        }
    }

    /** Parses a source as written, or null when it names nothing this interface reads. */
    static Source parse(String text) {
        if (text == null) {
            return null;
        }
        String[] p = text.split("\\.", -1);
        String name = "[A-Za-z0-9_-]{1,64}";
        for (String part : p) {
            if (!part.matches(name)) {
                return null;
            }
        }
        return switch (p[0]) {
            case "profile" -> p.length == 2 ? new Profile(p[1]) : null;
            case "context" -> p.length == 2 ? new Context(p[1]) : null;
            case "recent" -> p.length == 2 ? new Recent(p[1]) : null;
            case "engagement" -> p.length == 3 ? new Engagement(p[1], p[2]) : null;
            case "cart" -> p.length == 2 && (p[1].equals("total") || p[1].equals("items") || p[1].equals("idle-hours"))
                    ? new CartFact(p[1]) : null;
            case "request" -> p.length == 2 && java.util.Set.of("channel", "placement", "page", "device").contains(p[1])
                    ? new RequestFact(p[1]) : null;
            default -> null;
        };
    }

}
