package io.nbo.evaluation;

/**
 * One estimate of a policy's mean reward per event, with its 95 % interval.
 *
 * @param method   {@code logged}, {@code replay}, {@code ipw} or {@code snipw}
 * @param used     the events it rests on
 * @param value    the estimate; NaN when no event could be used
 * @param low      the interval's lower end; NaN when it cannot be given (fewer than two events)
 * @param high     the interval's upper end; NaN likewise
 * @param interval how the interval was made
 */
public record Estimate(String method, long used, double value, double low, double high, String interval) {

    /** The interval's half width, or NaN. */
    public double halfWidth() {
        return (high - low) / 2;
    }
}
