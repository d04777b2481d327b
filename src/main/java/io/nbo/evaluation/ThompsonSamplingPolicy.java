package io.nbo.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ChengBetaSampler;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.apache.commons.rng.simple.RandomSource;

/**
 * A context-free Bernoulli Thompson-sampling policy: Beta(1 + clicks, 1 + misses) posteriors fitted on a log, either
 * per offer and slot ({@link #fit}: in a slot, the offer whose draw is highest) or per offer, ranked into the slots
 * ({@link #fitRanked}). Its action
 * probabilities, P(an offer's draw is the highest), are estimated once by Monte-Carlo draws, so evaluating it costs
 * a table look-up per event. (The learning package's sampler may take its place.)
 */
public final class ThompsonSamplingPolicy implements CandidatePolicy {

    /** Impressions and positive rewards of one offer in one slot. */
    private static final class Counts {
        long trials;
        double successes;
    }

    /** π(offer | slot), offers in id order. */
    private final List<List<Choice>> bySlot;

    private ThompsonSamplingPolicy(List<List<Choice>> bySlot) {
        this.bySlot = bySlot;
    }

    /**
     * Fits the posteriors on a log (reward 1 counts as a success; any positive reward is capped at 1) and estimates
     * the action probabilities with {@code draws} Thompson draws per slot.
     */
    public static ThompsonSamplingPolicy fit(Iterable<LoggedEvent> log, int draws, long seed) {
        List<Map<String, Counts>> slots = new ArrayList<>();
        java.util.Set<String> offers = new java.util.TreeSet<>();
        for (LoggedEvent e : log) {
            while (slots.size() <= e.slot()) {
                slots.add(new TreeMap<>());
            }
            Counts c = slots.get(e.slot()).computeIfAbsent(e.action(), k -> new Counts());
            c.trials++;
            c.successes += Math.min(1, Math.max(0, e.reward()));
            offers.add(e.action());
        }
        UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
        List<String> ids = List.copyOf(offers);
        List<List<Choice>> bySlot = new ArrayList<>();
        for (Map<String, Counts> slot : slots) {
            ContinuousSampler[] samplers = new ContinuousSampler[ids.size()];
            for (int i = 0; i < ids.size(); i++) {
                Counts c = slot.getOrDefault(ids.get(i), new Counts());
                samplers[i] = ChengBetaSampler.of(rng, 1 + c.successes, 1 + c.trials - c.successes);
            }
            long[] wins = new long[ids.size()];
            for (int d = 0; d < draws; d++) {
                int best = 0;
                double top = -1;
                for (int i = 0; i < samplers.length; i++) {
                    double theta = samplers[i].sample();
                    if (theta > top) {
                        top = theta;
                        best = i;
                    }
                }
                wins[best]++;
            }
            List<Choice> choices = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                choices.add(new Choice(ids.get(i), null, (double) wins[i] / draws));
            }
            bySlot.add(List.copyOf(choices));
        }
        return new ThompsonSamplingPolicy(List.copyOf(bySlot));
    }

    /**
     * The slate form, as the Open Bandit Dataset's Thompson-sampling policy ran: one Beta posterior per offer, pooled
     * over the slots; each draw ranks the offers by their sampled rates and fills slot {@code k} with the
     * {@code k}-th; π(offer | slot k) is the share of draws that put it there.
     */
    public static ThompsonSamplingPolicy fitRanked(Iterable<LoggedEvent> log, int slots, int draws, long seed) {
        Map<String, Counts> counts = new TreeMap<>();
        for (LoggedEvent e : log) {
            Counts c = counts.computeIfAbsent(e.action(), k -> new Counts());
            c.trials++;
            c.successes += Math.min(1, Math.max(0, e.reward()));
        }
        UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
        List<String> ids = List.copyOf(counts.keySet());
        int n = ids.size();
        int filled = Math.min(slots, n);
        ContinuousSampler[] samplers = new ContinuousSampler[n];
        for (int i = 0; i < n; i++) {
            Counts c = counts.get(ids.get(i));
            samplers[i] = ChengBetaSampler.of(rng, 1 + c.successes, 1 + c.trials - c.successes);
        }
        long[][] wins = new long[filled][n];
        double[] theta = new double[n];
        Integer[] order = new Integer[n];
        for (int d = 0; d < draws; d++) {
            for (int i = 0; i < n; i++) {
                theta[i] = samplers[i].sample();
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> Double.compare(theta[b], theta[a]));
            for (int k = 0; k < filled; k++) {
                wins[k][order[k]]++;
            }
        }
        List<List<Choice>> bySlot = new ArrayList<>();
        for (int k = 0; k < filled; k++) {
            List<Choice> choices = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                choices.add(new Choice(ids.get(i), null, (double) wins[k][i] / draws));
            }
            bySlot.add(List.copyOf(choices));
        }
        return new ThompsonSamplingPolicy(List.copyOf(bySlot));
    }

    @Override
    public List<Choice> choices(LoggedEvent event) {
        return event.slot() < bySlot.size() ? bySlot.get(event.slot()) : List.of();
    }

    /** π(offer | slot), or 0. */
    public double probability(String offer, int slot) {
        if (slot >= bySlot.size()) {
            return 0;
        }
        return bySlot.get(slot).stream().filter(c -> c.offerId().equals(offer)).mapToDouble(Choice::probability).sum();
    }
}
