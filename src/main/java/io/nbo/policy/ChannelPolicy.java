package io.nbo.policy;

import io.nbo.model.Channel;
import io.nbo.model.Customer;
import io.nbo.model.Offer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which channels an offer may go out on for this customer and this calling channel: the offer needs
 * a creative for it, the calling channel must be able to deliver it, and the customer must consent.
 */
public final class ChannelPolicy {

    /** What each calling channel can deliver an offer on. */
    public static final Map<Channel, Set<Channel>> DELIVERABLE = Map.of(
            Channel.WEB, EnumSet.of(Channel.WEB),
            Channel.APP, EnumSet.of(Channel.APP, Channel.PUSH),
            Channel.EMAIL, EnumSet.of(Channel.EMAIL),
            Channel.SMS, EnumSet.of(Channel.SMS),
            Channel.PUSH, EnumSet.of(Channel.PUSH),
            Channel.CALL_CENTER, EnumSet.of(Channel.CALL_CENTER, Channel.EMAIL, Channel.SMS),
            Channel.STORE, EnumSet.of(Channel.STORE, Channel.EMAIL, Channel.SMS));

    /** The channels permitted for one offer, or why there are none. */
    public record Permitted(List<Channel> channels, Suppressed code, String message) {
        public boolean isEmpty() {
            return channels.isEmpty();
        }
    }

    private ChannelPolicy() {
    }

    public static Permitted permitted(Offer offer, Customer customer, Channel calling) {
        List<Channel> deliverable = new ArrayList<>();
        for (Channel c : DELIVERABLE.get(calling)) {
            if (offer.creatives().containsKey(c)) {
                deliverable.add(c);
            }
        }
        if (deliverable.isEmpty()) {
            return new Permitted(List.of(), Suppressed.NOT_DELIVERABLE,
                    "has no creative for what " + calling.id() + " can deliver (" + ids(DELIVERABLE.get(calling)) + ")");
        }
        List<Channel> consented = deliverable.stream().filter(c -> customer.consents(c.id())).toList();
        if (consented.isEmpty()) {
            return new Permitted(List.of(), Suppressed.NO_CONSENT, "customer has not consented to " + ids(deliverable));
        }
        return new Permitted(consented, null, null);
    }

    private static String ids(Iterable<Channel> channels) {
        List<String> ids = new ArrayList<>();
        channels.forEach(c -> ids.add(c.id()));
        return String.join(", ", ids);
    }
}
