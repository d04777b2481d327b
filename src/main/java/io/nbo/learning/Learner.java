package io.nbo.learning;

import io.nbo.model.Channel;
import io.nbo.redis.KeySchema;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads the partitions' event streams into the models, exactly once. One replica learns at a time (a
 * lease in Redis); it reads each stream after the position the models hold for it, sums the increments
 * of the batch (so a popular offer is one HINCRBY per batch, not per event) and applies them with the new
 * positions in one script, which refuses the batch if the lease is lost or a position moved meanwhile.
 * So an event is learned once however replicas come, go or pause; a retried event never reaches the
 * stream twice ({@code event-apply.lua}); and the models can be rebuilt by reading the streams again.
 *
 * <p>What an entry teaches: the stream marks the first trial ({@code t}) and first positive ({@code p})
 * of an offer in a decision ({@code learn}); a positive counts when it comes within the window of its
 * decision, and is also a trial when no impression was reported before it ({@code tp}).
 *
 * <p>Before a batch is applied, each of its trials and positives is scored with the contextual table this replica
 * holds for its model ({@link ContextualAuc}); the batch publishes the models' AUCs that changed, so every replica
 * shows the same.
 */
public final class Learner {

    /** What a poll did. */
    public record Polled(boolean leader, int entries, int learned, String refused) {
    }

    private final ModelRepository repository;
    private final String replica;
    private final Duration lease;
    private final Duration window;
    private final int perPartition;
    private final long epochMillis;
    private final Clock clock;
    private final Supplier<Models> models;
    private final ContextualAuc auc = new ContextualAuc();
    private String[] positions;
    private String rebuilt;
    private volatile boolean leader;

    /**
     * @param replica      this replica's id in the lease
     * @param lease        how long the lease lasts without a renewal: another replica takes over after it
     * @param window       how long after its decision a positive still teaches
     * @param perPartition stream entries read per partition and poll, at most
     * @param epoch        the period the contextual model's counts are kept per ({@link Recency})
     * @param models       the models this replica holds now: their contextual tables score what is learned
     */
    public Learner(ModelRepository repository, String replica, Duration lease, Duration window, int perPartition, Duration epoch,
                   Clock clock, Supplier<Models> models) {
        this.repository = repository;
        this.replica = replica;
        this.lease = lease;
        this.window = window;
        this.perPartition = perPartition;
        this.epochMillis = Math.max(1, epoch.toMillis());
        this.clock = clock;
        this.models = models;
    }

    /** Whether this replica learned at its last poll. */
    public boolean isLeader() {
        return leader;
    }

    /** Takes or keeps the lease; if held, reads what is new in the streams and applies it. */
    public Polled poll() {
        ModelRepository.Lease held = repository.lease(replica, lease);
        leader = held.held();
        if (!leader) {
            positions = null;
            auc.clear();
            return new Polled(false, 0, 0, null);
        }
        if (positions == null || !held.rebuilt().equals(rebuilt)) {
            if (!held.rebuilt().equals(rebuilt)) {
                auc.clear();
            }
            positions = repository.positions();
            rebuilt = held.rebuilt();
        }
        List<List<ModelRepository.Entry>> read = repository.read(positions, perPartition);
        List<ModelRepository.Position> moved = new ArrayList<>();
        Map<String, long[]> increments = new LinkedHashMap<>();
        ContextualAuc.Batch scores = auc.batch();
        Models now = models.get();
        int entries = 0;
        int learned = 0;
        for (int p = 0; p < KeySchema.PARTITIONS; p++) {
            List<ModelRepository.Entry> stream = read.get(p);
            if (stream.isEmpty()) {
                continue;
            }
            entries += stream.size();
            for (ModelRepository.Entry m : stream) {
                learned += learn(m.body(), increments, now, scores) ? 1 : 0;
            }
            moved.add(new ModelRepository.Position(p, positions[p], stream.get(stream.size() - 1).id()));
        }
        if (moved.isEmpty()) {
            return new Polled(true, 0, 0, null);
        }
        StringBuilder text = new StringBuilder();
        increments.forEach((field, tp) -> text.append(tp[0]).append(' ').append(tp[1]).append(' ').append(field).append('\n'));
        Map<String, Double> aucs = scores.changed();
        ModelRepository.Applied applied = repository.apply(replica, lease, clock.millis(),
                new ModelRepository.Batch(moved, increments, aucs, text.toString()));
        if (applied.refused() != null) {
            // Someone else moved the models (a reset, or a learner that still thought it held the lease): read again.
            positions = null;
            return new Polled(true, entries, 0, applied.refused());
        }
        for (ModelRepository.Position m : moved) {
            positions[m.partition()] = m.to();
        }
        auc.commit(scores, aucs, applied.fresh());
        return new Polled(true, entries, learned, null);
    }

    /**
     * Adds what one stream entry teaches to the batch's increments, and its score by the model's contextual table
     * in {@code now} (0 without one) to the batch's scores; false when it teaches nothing.
     */
    boolean learn(Map<String, String> entry, Map<String, long[]> increments, Models now, ContextualAuc.Batch scores) {
        String learn = entry.get("learn");
        String offer = entry.get("offerId");
        String channel = entry.get("channel");
        if (learn == null || offer == null || channel == null) {
            return false;
        }
        long trial = learn.indexOf('t') >= 0 ? 1 : 0;
        long positive = learn.indexOf('p') >= 0 && withinWindow(entry) ? 1 : 0;
        if (trial == 0 && positive == 0) {
            return false;
        }
        String model = offer + '|' + channel;
        add(increments, model, trial, positive);
        Map<String, String> x = Predictors.decode(entry.get("x"));
        long decided = decidedAt(entry);
        if (decided >= 0) {
            // The contextual model's counts are kept per epoch of the decision, so an impression and its response
            // always land in the same one, whenever each is learned.
            String epoch = model + '|' + Math.floorDiv(decided, epochMillis);
            add(increments, epoch, trial, positive);
            x.forEach((name, value) -> add(increments, epoch + '|' + name + '|' + value, trial, positive));
        }
        Models.Model known = Channel.fromId(channel).map(c -> now.get(offer, c)).orElse(null);
        double score = known == null || known.contextual() == null ? 0 : known.contextual().shift(x);
        if (trial == 1) {
            scores.trial(model, score);
        }
        if (positive == 1) {
            scores.positive(model, score);
        }
        return true;
    }

    private static long decidedAt(Map<String, String> entry) {
        try {
            return Long.parseLong(entry.getOrDefault("dt", ""));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private boolean withinWindow(Map<String, String> entry) {
        try {
            long decided = Long.parseLong(entry.getOrDefault("dt", ""));
            long at = Instant.parse(entry.get("timestamp")).toEpochMilli();
            return at - decided <= window.toMillis();
        } catch (NumberFormatException | DateTimeParseException | NullPointerException e) {
            return false;
        }
    }

    private static void add(Map<String, long[]> increments, String field, long trial, long positive) {
        long[] tp = increments.computeIfAbsent(field, f -> new long[2]);
        tp[0] += trial;
        tp[1] += positive;
    }
}
