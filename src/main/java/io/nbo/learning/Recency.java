package io.nbo.learning;

/**
 * How much an epoch of evidence weighs when a table is built: counts are kept per epoch (a fixed period, numbered
 * from the time of the impression, so a replay puts every increment in the same epoch), and the table of epoch
 * {@code current} weighs the counts of epoch {@code e} by 2<sup>−(current − e) / halfLife</sup>, for the
 * {@code epochs} most recent epochs (the current one included); older epochs weigh nothing and can be deleted.
 * A function of the epoch indices alone, so the weighted table stays a deterministic function of the counts.
 *
 * @param halfLife epochs after which counts weigh half; {@link Double#POSITIVE_INFINITY} weighs all alike
 * @param epochs how many epochs are kept, the current one included
 */
public record Recency(double halfLife, int epochs) {

    /**
     * Half-life 4 epochs, 32 kept (the oldest weighs 2<sup>−31/4</sup> ≈ 0.5 %): chosen on the first half of the bank
     * telemarketing data with epochs of 500 calls (load-tests/README.md, "Learning: bank telemarketing").
     */
    public static final Recency DEFAULT = new Recency(4, 32);

    public Recency {
        if (!(halfLife > 0) || epochs < 1) {
            throw new IllegalArgumentException("halfLife must be positive and at least one epoch kept: " + halfLife + ", " + epochs);
        }
    }

    /** The weight of counts {@code age} epochs old (0 for the current epoch); 0 when they are not kept. */
    public double weight(long age) {
        return keeps(age) ? Math.pow(2, -age / halfLife) : 0;
    }

    /** Whether counts {@code age} epochs old are kept (the store may delete the others). */
    public boolean keeps(long age) {
        return age >= 0 && age < epochs;
    }
}
