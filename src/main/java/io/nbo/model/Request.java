package io.nbo.model;

import java.util.Map;

/**
 * What the caller told us about this moment: the channel it asks on, the placement (slot), the page,
 * the device, and any extra attributes, e.g. {@code Request(channel == "web", page == "checkout")}. An
 * attribute sent as null is left out.
 */
public final class Request {

    private final String channel;
    private final String placement;
    private final String page;
    private final String device;
    private final Map<String, Object> attributes;

    public Request(String channel, String placement, String page, String device, Map<String, Object> attributes) {
        this.channel = channel;
        this.placement = placement;
        this.page = page;
        this.device = device;
        // An attribute sent as null is as if not sent: attr() gives null for both.
        this.attributes = Attributes.withValues(attributes);
    }

    public String getChannel() {
        return channel;
    }

    public String getPlacement() {
        return placement;
    }

    public String getPage() {
        return page;
    }

    public String getDevice() {
        return device;
    }

    public Map<String, Object> getAttributes() {
        return attributes;
    }

    /** A context attribute as text, or null. */
    public String attr(String name) {
        Object v = attributes.get(name);
        return v == null ? null : v.toString();
    }

    /** A numeric context attribute, or NaN. */
    public double number(String name) {
        return attributes.get(name) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    @Override
    public String toString() {
        return "Request[" + channel + ", " + placement + "]";
    }
}
