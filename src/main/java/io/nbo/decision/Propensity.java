package io.nbo.decision;

import io.nbo.model.Channel;
import io.nbo.model.Customer;
import io.nbo.model.Offer;

/**
 * The chance that this customer responds to this offer on this channel: the first factor of an
 * offer's score. Arbitration asks nothing else of it, so a learned model can take the place of
 * today's engagement formula ({@link EngagementPropensity}) without touching the rest.
 */
@FunctionalInterface
public interface Propensity {

    double of(Customer customer, Offer offer, Channel channel);
}
