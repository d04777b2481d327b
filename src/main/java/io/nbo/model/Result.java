package io.nbo.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the rules decided for one request. Rules write to it; nbo reads it back. Every call records
 * the name of the rule that made it, so a response can say which rules chose each offer.
 *
 * <pre>
 * rule "Cart abandoners get free shipping"
 * when
 *     $r : Result()
 *     Customer(cartIdleHours() &gt; 1)
 *     $o : Offer(id == "free-shipping")
 * then
 *     $r.eligible($o, "You left items in your cart");
 * end
 * </pre>
 *
 * An offer is only considered when some rule made it eligible; an exclusion always wins.
 */
public final class Result {

    /** A rule's contribution to a decision: its name, and the sentence it gave (if any). */
    public record Reason(String rule, String text) {
    }

    /** What the rules said about one offer. */
    public static final class Verdict {
        private boolean eligible;
        private Reason exclusion;
        private double boost = 1.0;
        private final Set<String> rules = new LinkedHashSet<>();
        private final List<String> texts = new ArrayList<>();

        public boolean isEligible() {
            return eligible && exclusion == null;
        }

        /** Whether some rule made the offer eligible, whether or not another excluded it. */
        public boolean wasMadeEligible() {
            return eligible;
        }

        /** Why a rule took the offer out, or null. */
        public Reason exclusion() {
            return exclusion;
        }

        /** The product of every boost the rules gave (1 when none). */
        public double boost() {
            return boost;
        }

        /** Names of the rules that made the offer eligible or boosted it, in firing order. */
        public Set<String> rules() {
            return Collections.unmodifiableSet(rules);
        }

        /** The sentences those rules gave, in firing order. */
        public List<String> texts() {
            return Collections.unmodifiableList(texts);
        }

        private void credit(Reason reason) {
            rules.add(reason.rule());
            if (reason.text() != null && !reason.text().isBlank() && !texts.contains(reason.text())) {
                texts.add(reason.text());
            }
        }
    }

    private static final String OUTSIDE = "(outside a rule)";

    private Map<String, Verdict> verdicts = new LinkedHashMap<>();
    private Map<Channel, Double> channelPreference = new EnumMap<>(Channel.class);
    private Map<Channel, List<Reason>> channelReasons = new EnumMap<>(Channel.class);
    private String firingRule = OUTSIDE;

    /**
     * Called by nbo when the rules of one decision are done; not for use in DRL. A session that stays
     * up between decisions keeps one {@code Result} fact: this moves what the rules decided into a new
     * object for the caller and leaves this one empty for the next decision.
     */
    public Result handOver() {
        Result taken = new Result();
        taken.verdicts = verdicts;
        taken.channelPreference = channelPreference;
        taken.channelReasons = channelReasons;
        verdicts = new LinkedHashMap<>();
        channelPreference = new EnumMap<>(Channel.class);
        channelReasons = new EnumMap<>(Channel.class);
        firingRule = OUTSIDE;
        return taken;
    }

    /** Called by nbo before each rule's consequence runs; not for use in DRL. */
    public void firing(String ruleName) {
        this.firingRule = ruleName;
    }

    /** Makes the offer eligible. */
    public void eligible(Offer offer) {
        eligible(offer.getId(), null);
    }

    /** Makes the offer eligible, with a sentence an agent can read aloud. */
    public void eligible(Offer offer, String reason) {
        eligible(offer.getId(), reason);
    }

    /** Makes the offer with this id eligible, with a sentence an agent can read aloud. */
    public void eligible(String offerId, String reason) {
        Verdict v = verdict(offerId);
        v.eligible = true;
        v.credit(new Reason(firingRule, reason));
    }

    /** Takes the offer out of this decision, whatever other rules said. */
    public void exclude(Offer offer, String reason) {
        exclude(offer.getId(), reason);
    }

    /** Takes the offer with this id out of this decision, whatever other rules said. */
    public void exclude(String offerId, String reason) {
        Verdict v = verdict(offerId);
        if (v.exclusion == null) {
            v.exclusion = new Reason(firingRule, reason);
        }
    }

    /** Multiplies the offer's context boost by {@code factor} (1.5 = 50% more likely to win; 0.5 = half). */
    public void boost(Offer offer, double factor, String reason) {
        boost(offer.getId(), factor, reason);
    }

    /** Multiplies the context boost of the offer with this id by {@code factor}. */
    public void boost(String offerId, double factor, String reason) {
        if (!(factor >= 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("rule \"" + firingRule + "\": boost factor must be a finite number >= 0, was " + factor);
        }
        Verdict v = verdict(offerId);
        v.boost *= factor;
        v.credit(new Reason(firingRule, reason));
    }

    /** Multiplies how much this customer prefers a channel (used to pick the delivery channel). */
    public void preferChannel(String channel, double factor, String reason) {
        Channel c = Channel.fromId(channel).orElseThrow(() -> new IllegalArgumentException(
                "rule \"" + firingRule + "\": unknown channel \"" + channel + "\" (one of " + Channel.ids() + ")"));
        if (!(factor >= 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("rule \"" + firingRule + "\": channel factor must be a finite number >= 0, was " + factor);
        }
        channelPreference.merge(c, factor, (a, b) -> a * b);
        channelReasons.computeIfAbsent(c, k -> new ArrayList<>()).add(new Reason(firingRule, reason));
    }

    /** Whether a rule has made this offer eligible (and none excluded it) so far. */
    public boolean isEligible(String offerId) {
        Verdict v = verdicts.get(offerId);
        return v != null && v.isEligible();
    }

    /** What the rules said about each offer they touched, by offer id. */
    public Map<String, Verdict> verdicts() {
        return Collections.unmodifiableMap(verdicts);
    }

    /** The preference factor rules gave a channel (1 when none). */
    public double channelPreference(Channel channel) {
        return channelPreference.getOrDefault(channel, 1.0);
    }

    /** Why rules preferred or disfavoured a channel. */
    public List<Reason> channelReasons(Channel channel) {
        return channelReasons.getOrDefault(channel, List.of());
    }

    private Verdict verdict(String offerId) {
        return verdicts.computeIfAbsent(offerId, k -> new Verdict());
    }
}
