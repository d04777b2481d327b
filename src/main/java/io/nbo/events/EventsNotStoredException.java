package io.nbo.events;

/**
 * Redis failed or was too slow for some events of a batch. Those applied stay applied; the caller
 * retries the whole batch, and the events already applied are skipped as duplicates.
 */
public final class EventsNotStoredException extends RuntimeException {

    private final int stored;
    private final int total;

    public EventsNotStoredException(int stored, int total, String cause) {
        super(stored + " of " + total + " events stored; " + cause, null, false, false);
        this.stored = stored;
        this.total = total;
    }

    /** Events applied (or found already applied) before the failure. */
    public int stored() {
        return stored;
    }

    public int total() {
        return total;
    }
}
