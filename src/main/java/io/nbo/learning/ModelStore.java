package io.nbo.learning;

import io.nbo.model.Channel;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * This replica's copy of the models, in memory: loaded whole from Redis at start, then kept current by
 * following the stream of their changes, so decisions read it without a round trip. After each poll the
 * snapshot decisions see ({@link #current()}) is replaced whole. How stale it is: the learner's poll
 * plus this replica's poll, plus the time to apply (see {@link #lagMillis()}).
 */
public final class ModelStore {

    /** Changes applied per poll, at most; more wait for the next poll. */
    static final int CHANGES_PER_POLL = 1_000;

    /** What one offer on one channel has learned, as the models hash holds it. */
    static final class Counts {
        long trials;
        long positives;
        long updatedAt;
        final Map<String, Map<String, long[]>> byPredictor = new HashMap<>();

        void add(String predictor, String value, long t, long p) {
            if (predictor == null) {
                trials += t;
                positives += p;
            } else {
                long[] tp = byPredictor.computeIfAbsent(predictor, k -> new HashMap<>()).computeIfAbsent(value, k -> new long[2]);
                tp[0] += t;
                tp[1] += p;
            }
        }
    }

    private final ModelRepository repository;
    private final Function<Counts, ToDoubleFunction<Map<String, String>>> contextual;
    private final Map<String, Counts> counts = new HashMap<>();
    private String last;
    private long lastChangeAt;
    private volatile Models current = Models.EMPTY;

    /** @param contextual the contextual model of a model's counts, or null when there is none to build */
    public ModelStore(ModelRepository repository, Function<Counts, ToDoubleFunction<Map<String, String>>> contextual) {
        this.repository = repository;
        this.contextual = contextual;
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
        if (!changed.isEmpty()) {
            publish(changed);
        }
    }

    /** Forgets everything and loads the models whole. */
    synchronized void load() {
        Map<String, String> hash = repository.models();
        counts.clear();
        hash.forEach((field, value) -> {
            if (field.length() > 2 && field.charAt(1) == '|') {
                String[] parts = field.substring(2).split("\\|", 4);
                if (parts.length < 2) {
                    return;
                }
                Counts c = counts.computeIfAbsent(parts[0] + '|' + parts[1], k -> new Counts());
                long v = parse(value);
                switch (field.charAt(0)) {
                    case 't' -> c.add(parts.length == 4 ? parts[2] : null, parts.length == 4 ? parts[3] : null, v, 0);
                    case 'p' -> c.add(parts.length == 4 ? parts[2] : null, parts.length == 4 ? parts[3] : null, 0, v);
                    case 'u' -> c.updatedAt = v;
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
            String[] parts = line[2].split("\\|", 4);
            if (parts.length < 2) {
                continue;
            }
            String model = parts[0] + '|' + parts[1];
            Counts c = counts.computeIfAbsent(model, k -> new Counts());
            c.add(parts.length == 4 ? parts[2] : null, parts.length == 4 ? parts[3] : null, parse(line[0]), parse(line[1]));
            if (parts.length == 2) {
                c.updatedAt = at;
            }
            changed.add(model);
        }
    }

    /** Replaces the snapshot: the models named in {@code changed} built again (all of them when null). */
    private void publish(Set<String> changed) {
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
                    : new Models.Model(offer, channel, c.trials, c.positives, contextual == null || c.byPredictor.isEmpty() ? null : contextual.apply(c),
                    c.updatedAt);
            byOffer.put(offer, perChannel);
        }
        current = new Models(Map.copyOf(byOffer));
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
