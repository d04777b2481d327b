package io.nbo.decision;

import io.nbo.learning.ModelSpec;
import io.nbo.model.Channel;
import io.nbo.model.Customer;
import io.nbo.model.Request;

/**
 * (clicks + a) / (sent + b) of the customer on a channel, whatever the offer: the prior alone for a
 * customer with no history there. The propensity when learning is off, and the prior of every
 * learned model ({@link LearnedPropensity}), so a model with no evidence answers as this formula does.
 *
 * @param priorClicks a
 * @param priorTrials b
 */
public record EngagementPropensity(double priorClicks, double priorTrials) implements Propensity {

    /** The model name answers show. */
    public static final String MODEL = "engagement";

    @Override
    public Scorer scorer(Customer customer, Request request, ModelSpec spec) {
        return (offer, channel) -> {
            double p = onChannel(customer, channel);
            return new Estimate(p, p, 0, MODEL, customer.engagement(channel.id(), "sent"),
                    Math.min(customer.engagement(channel.id(), "clicks"), customer.engagement(channel.id(), "sent")));
        };
    }

    /** The same without an offer: how likely the customer is to respond on this channel at all. */
    public double onChannel(Customer customer, Channel channel) {
        long sent = customer.engagement(channel.id(), "sent");
        long clicks = Math.min(customer.engagement(channel.id(), "clicks"), sent);
        return (clicks + priorClicks) / (sent + priorTrials);
    }
}
