package io.nbo.learning;

import io.nbo.model.Channel;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * This replica's copy of the models, in memory: loaded whole from Redis at start, then kept current by
 * following the stream of their changes, so decisions read it without a round trip. After each poll the
 * snapshot decisions see ({@link #current()}) is replaced whole. How stale it is: the learner's poll
 * plus this replica's poll, plus the time to apply (see {@link #lagMillis()}).
 */
public final class ModelStore {

    /** Changes applied per poll, at most; more wait for the next poll. */
    static final int CHANGES_PER_POLL = 1_000;

    /** How often, at most, a model's contextual table is built again from its evidence: building one takes milliseconds. */
    static final long TABLE_EVERY_MS = 5_000;

    /**
     * What one offer on one channel has learned, as the models hash holds it: the totals over its whole history
     * (the Beta-Bernoulli evidence), the contextual model's counts per epoch, and its last contextual table.
     */
    static final class Counts {
        final Evidence totals = new Evidence();
        final Map<Long, Evidence> byEpoch = new HashMap<>();
        long updatedAt;
        NaiveBayes table;
        long tableAt;
        /** Whether the evidence grew since the table was built. */
        boolean stale;
        /** The AUC of its contextual table on recent responses, as the learner published it; NaN before. */
        double auc = Double.NaN;

        /** Adds a field's increment: {@code OFFER|CHANNEL}, {@code OFFER|CHANNEL|EPOCH} or {@code OFFER|CHANNEL|EPOCH|PREDICTOR|VALUE}. */
        long add(String[] parts, long t, long p) {
            if (parts.length == 2) {
                totals.addTotals(t, p);
                return -1;
            }
            long epoch;
            try {
                epoch = Long.parseLong(parts[2]);
            } catch (NumberFormatException e) {
                return -1;
            }
            stale = true;
            Evidence e = byEpoch.computeIfAbsent(epoch, k -> new Evidence());
            if (parts.length == 3) {
                e.addTotals(t, p);
            } else if (parts.length == 5) {
                e.addValue(parts[3], parts[4], t, p);
            }
            return epoch;
        }
    }

    private final ModelRepository repository;
    private final boolean contextual;
    private final Map<String, Counts> counts = new HashMap<>();
    private final Recency recency;
    private long currentEpoch = Long.MIN_VALUE;
    private String last;
    private long lastChangeAt;
    private volatile Models current = Models.EMPTY;

    /** @param contextual whether to build each model's contextual table (naive Bayes over its predictors' evidence) */
    public ModelStore(ModelRepository repository, boolean contextual) {
        this(repository, contextual, Recency.DEFAULT);
    }

    /** @param recency how much each epoch of the contextual counts weighs */
    public ModelStore(ModelRepository repository, boolean contextual, Recency recency) {
        this.repository = repository;
        this.contextual = contextual;
        this.recency = recency;
    }

    /** The models decisions read now. */
    public Models current() {
        return current;
    }

    /** Whether the models were loaded from Redis (before, decisions use the formula alone). */
    public synchronized boolean isLoaded() {
        return last != null;
    }

    /** When the last change this replica applied was made by the learner (ms), 0 before any. */
    public synchronized long lastChangeAt() {
        return lastChangeAt;
    }

    /** How long ago the newest change applied here was made, or -1 before any. */
    public synchronized long lagMillis() {
        return lastChangeAt == 0 ? -1 : Math.max(0, System.currentTimeMillis() - lastChangeAt);
    }

    /** Loads the models if not loaded, else applies the changes made since; a gap in the changes loads them again. */
    public synchronized void poll() {
        if (last == null) {
            load();
            return;
        }
        List<ModelRepository.Entry> changes = repository.changes(last, CHANGES_PER_POLL + 1);
        boolean fromStart = last.equals("0-0");
        if (!fromStart && (changes.isEmpty() || !changes.get(0).id().equals(last))) {
            // The change this replica was at is gone (trimmed while it was away): start again from the whole.
            load();
            return;
        }
        Set<String> changed = new HashSet<>();
        for (ModelRepository.Entry m : fromStart ? changes : changes.subList(1, changes.size())) {
            apply(m.body(), changed);
            last = m.id();
        }
        // A model that stopped learning right after its table was built still gets one with all its evidence.
        long now = System.currentTimeMillis();
        counts.forEach((model, c) -> {
            if (c.stale && c.table != null && now - c.tableAt >= TABLE_EVERY_MS) {
                changed.add(model);
            }
        });
        if (!changed.isEmpty()) {
            publish(changed);
        }
    }

    /** Forgets everything and loads the models whole. */
    synchronized void load() {
        Map<String, String> hash = repository.models();
        counts.clear();
        currentEpoch = Long.MIN_VALUE;
        hash.forEach((field, value) -> {
            if (field.length() > 2 && field.charAt(1) == '|') {
                String[] parts = field.substring(2).split("\\|", 5);
                if (parts.length < 2) {
                    return;
                }
                Counts c = counts.computeIfAbsent(parts[0] + '|' + parts[1], k -> new Counts());
                long v = parse(value);
                switch (field.charAt(0)) {
                    case 't' -> epoch(c.add(parts, v, 0));
                    case 'p' -> epoch(c.add(parts, 0, v));
                    case 'u' -> c.updatedAt = v;
                    case 'a' -> c.auc = parseDouble(value);
                    default -> { }
                }
            }
        });
        last = hash.getOrDefault("@delta", "0-0");
        lastChangeAt = parse(hash.getOrDefault("@at", "0"));
        publish(null);
    }

    private void apply(Map<String, String> change, Set<String> changed) {
        long at = parse(change.getOrDefault("at", "0"));
        lastChangeAt = Math.max(lastChangeAt, at);
        String reset = change.get("r");
        if (reset != null) {
            if (reset.equals("*")) {
                changed.addAll(counts.keySet());
                counts.clear();
            } else {
                counts.keySet().removeIf(k -> {
                    boolean gone = k.startsWith(reset + '|');
                    if (gone) {
                        changed.add(k);
                    }
                    return gone;
                });
            }
            return;
        }
        String text = change.getOrDefault("d", "");
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            String[] line = text.substring(start, end).split(" ", 3);
            start = end + 1;
            if (line.length < 3) {
                continue;
            }
            String[] parts = line[2].split("\\|", 5);
            if (parts.length < 2) {
                continue;
            }
            String model = parts[0] + '|' + parts[1];
            if (line[0].equals("auc")) {
                // "auc VALUE OFFER|CHANNEL": the learner's measure of the model, not evidence (see learning-apply.lua)
                counts.computeIfAbsent(model, k -> new Counts()).auc = parseDouble(line[1]);
                changed.add(model);
                continue;
            }
            Counts c = counts.computeIfAbsent(model, k -> new Counts());
            epoch(c.add(parts, parse(line[0]), parse(line[1])));
            if (parts.length == 2) {
                c.updatedAt = at;
            }
            changed.add(model);
        }
    }

    /** Replaces the snapshot: the models named in {@code changed} built again (all of them when null). */
    private void publish(Set<String> changed) {
        long now = System.currentTimeMillis();
        Map<String, Models.Model[]> byOffer = new HashMap<>(changed == null ? Map.of() : current.byOffer());
        if (changed == null) {
            byOffer.clear();
        }
        Iterable<String> models = changed == null ? counts.keySet() : changed;
        for (String model : models) {
            int bar = model.indexOf('|');
            String offer = model.substring(0, bar);
            Channel channel = Channel.fromId(model.substring(bar + 1)).orElse(null);
            if (channel == null) {
                continue;
            }
            Models.Model[] perChannel = byOffer.containsKey(offer) ? byOffer.get(offer).clone() : new Models.Model[Channel.values().length];
            Counts c = counts.get(model);
            perChannel[channel.ordinal()] = c == null ? null
                    : new Models.Model(offer, channel, c.totals.trials(), c.totals.positives(), table(c, now), c.updatedAt, c.auc);
            byOffer.put(offer, perChannel);
        }
        current = new Models(Map.copyOf(byOffer));
    }

    /** The model's contextual table: built again when it is older than {@link #TABLE_EVERY_MS}; null without predictors. */
    private NaiveBayes table(Counts c, long now) {
        if (!contextual || c.byEpoch.isEmpty()) {
            return null;
        }
        if (c.table == null || now - c.tableAt >= TABLE_EVERY_MS) {
            // Epochs too old to weigh are dropped here too: the learner deletes them from Redis.
            c.byEpoch.keySet().removeIf(e -> !recency.keeps(currentEpoch - e) && e < currentEpoch);
            c.table = c.byEpoch.isEmpty() ? null : NaiveBayes.of(c.byEpoch, currentEpoch, recency, NaiveBayes.Settings.DEFAULT);
            c.tableAt = now;
            c.stale = false;
        }
        return c.table;
    }

    /** The newest epoch any model has counts of: the one tables are built for, the same on every replica. */
    private void epoch(long epoch) {
        currentEpoch = Math.max(currentEpoch, epoch);
    }

    private static double parseDouble(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
