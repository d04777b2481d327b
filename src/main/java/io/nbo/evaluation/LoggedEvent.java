package io.nbo.evaluation;

import io.nbo.model.Customer;
import io.nbo.model.Request;
import java.time.Instant;
import java.util.List;

/**
 * One event of a log: the context a logging policy saw, the action it took, with what probability, and the reward.
 *
 * @param line        where it came from: the line of a log file, or the position in a stream read
 * @param customer    the customer as the rules see them
 * @param request     the request: channel, placement, page, device, attributes
 * @param action      the offer id served
 * @param channel     the channel it went on, or null when the log does not say (then any channel matches)
 * @param position    the 1-based slot it was shown in, or null (the top one)
 * @param probability the logging policy's probability of this action, in (0, 1]; NaN when unknown
 * @param reward      what it earned, e.g. 1 for a click, 0 for none
 * @param candidates  the offers the logging policy could choose from, or an empty list when not logged
 */
public record LoggedEvent(long line, Instant time, Customer customer, Request request, String action, String channel, Integer position,
                          double probability, double reward, List<String> candidates) {

    /** The slot as an index from 0. */
    public int slot() {
        return position == null ? 0 : position - 1;
    }
}
