package io.nbo.decision;

import io.nbo.model.Channel;
import io.nbo.model.Customer;
import io.nbo.model.Offer;

/**
 * (clicks + a) / (sent + b) of the customer on a channel, whatever the offer: the prior alone for a
 * customer with no history there.
 *
 * @param priorClicks a
 * @param priorTrials b
 */
public record EngagementPropensity(double priorClicks, double priorTrials) implements Propensity {

    @Override
    public double of(Customer customer, Offer offer, Channel channel) {
        return onChannel(customer, channel);
    }

    /** The same without an offer: how likely the customer is to respond on this channel at all. */
    public double onChannel(Customer customer, Channel channel) {
        long sent = customer.engagement(channel.id(), "sent");
        long clicks = Math.min(customer.engagement(channel.id(), "clicks"), sent);
        return (clicks + priorClicks) / (sent + priorTrials);
    }
}
