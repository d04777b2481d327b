package io.nbo.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One entry of the offer catalog, as the rules see it, e.g. {@code $o : Offer(group == "shipping")}
 * or {@code Offer(tags contains "loyalty")}.
 */
public final class Offer {

    private final String id;
    private final String name;
    private final String group;
    private final double value;
    private final double cost;
    private final double weight;
    private final Instant validFrom;
    private final Instant validUntil;
    private final Map<Channel, Creative> creatives;
    private final List<String> tags;
    private final boolean fallback;

    public Offer(String id, String name, String group, double value, double cost, double weight,
                 Instant validFrom, Instant validUntil, Map<Channel, Creative> creatives, List<String> tags) {
        this(id, name, group, value, cost, weight, validFrom, validUntil, creatives, tags, false);
    }

    /** @param fallback whether the offer may be served when nothing else can be (see {@link #isFallback()}) */
    public Offer(String id, String name, String group, double value, double cost, double weight,
                 Instant validFrom, Instant validUntil, Map<Channel, Creative> creatives, List<String> tags, boolean fallback) {
        this.fallback = fallback;
        this.id = id;
        this.name = name;
        this.group = group;
        this.value = value;
        this.cost = cost;
        this.weight = weight;
        this.validFrom = validFrom;
        this.validUntil = validUntil;
        this.creatives = Map.copyOf(creatives);
        this.tags = List.copyOf(tags);
    }

    public String getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    /** Offers of one group are alternatives: a decision returns at most one offer per group. */
    public String getGroup() {
        return group;
    }

    /** Expected business value when the offer is accepted. */
    public double getValue() {
        return value;
    }

    /** What the offer costs the business when accepted. */
    public double getCost() {
        return cost;
    }

    /** The margin that arbitration ranks on: value minus cost, never below zero. */
    public double getNetValue() {
        return Math.max(0, value - cost);
    }

    /** The marketer's business weight (1 is neutral). */
    public double getWeight() {
        return weight;
    }

    public Instant getValidFrom() {
        return validFrom;
    }

    public Instant getValidUntil() {
        return validUntil;
    }

    public List<String> getTags() {
        return tags;
    }

    /**
     * Whether this is a fallback offer: served, uncapped and unrecorded, when a decision would
     * otherwise answer with nothing (no eligible offer, or Redis down so the caps cannot be checked).
     */
    public boolean isFallback() {
        return fallback;
    }

    /** Whether the offer has a creative for this channel id. */
    public boolean deliversOn(String channel) {
        return Channel.fromId(channel).map(creatives::containsKey).orElse(false);
    }

    public Map<Channel, Creative> creatives() {
        return creatives;
    }

    /** Whether the offer's validity window contains this instant (bounds are optional). */
    public boolean isValidAt(Instant at) {
        return (validFrom == null || !at.isBefore(validFrom)) && (validUntil == null || at.isBefore(validUntil));
    }

    @Override
    public String toString() {
        return "Offer[" + id + "]";
    }
}
