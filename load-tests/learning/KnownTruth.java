import io.nbo.decision.Arbitration;
import io.nbo.decision.EngagementPropensity;
import io.nbo.decision.LearnedPropensity;
import io.nbo.learning.Evidence;
import io.nbo.learning.ModelSpec;
import io.nbo.learning.Models;
import io.nbo.learning.NaiveBayes;
import io.nbo.learning.Predictors;
import io.nbo.learning.Source;
import io.nbo.model.Cart;
import io.nbo.model.Channel;
import io.nbo.model.Creative;
import io.nbo.model.Customer;
import io.nbo.model.CustomerData;
import io.nbo.model.Offer;
import io.nbo.model.Request;
import io.nbo.model.Result;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * A simulator with known truth for the learned propensity (issue 15; load-tests/README.md, "Learning: known truth").
 * Three customer segments of equal share, five offers of equal value and weight whose true response rates per segment
 * are fixed (the best differs by segment). Each step is one decision, limit 1, on the web channel, made by the real
 * {@link Arbitration#rank} with a {@link LearnedPropensity} over a {@link Models} snapshot; the served offer's response
 * is drawn from its true rate and added to that offer's {@link Evidence} (a trial, and a positive when it responds,
 * with the predictor values the decision recorded: what the model store applies from the streams). The snapshot is
 * rebuilt, contextual tables included, every --batch decisions, as a replica's poll would. Policies: Thompson sampling
 * (exploration sample), the posterior mean (exploration mean), each with and without the declared predictor
 * {@code segment} (profile.segment, the contextual model); the formula alone (no learning); uniform random; the oracle.
 *
 * <p>Reports the expected regret (the oracle's true rate minus the served offer's, summed) at the checkpoints and the
 * share of the oracle's expected reward; how fast a sixth offer, added after --new-after decisions and best in segment
 * c, is found (served in more than half of the last --window decisions of segment c); and the time per rank() call of
 * each propensity, the median of timed batches. Segments and responses come from seeded generators shared by every
 * policy (common random numbers); the Thompson draws come from the propensity's own thread-local generator, which
 * cannot be seeded, so two runs differ a little. Arguments: --decisions --checkpoints a,b,c --seed --seeds --batch
 * --new-after --window --draws (in the timing) --sim-draws (in the simulation) --strength --table-every --timing-rounds --markdown FILE.
 */
public final class KnownTruth {

    static final String[] SEGMENTS = {"a", "b", "c"};
    /** True response rates, offer × segment: o2 is best in a, o3 in b, o4 in c, o5 on average (no segment known). */
    static final double[][] TRUTH = {
            {0.03, 0.03, 0.03},
            {0.08, 0.02, 0.01},
            {0.02, 0.07, 0.03},
            {0.04, 0.04, 0.06},
            {0.05, 0.05, 0.05},
            {0.04, 0.04, 0.10},   // the new offer: best in c by far, and on average (6 %) too
    };
    static final int OFFERS = 5;
    static final int NEW_SEGMENT = 2;
    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    enum Policy { THOMPSON, MEAN, FORMULA, UNIFORM, ORACLE }

    record Variant(Policy policy, boolean contextual) {
        String label() {
            return switch (policy) {
                case THOMPSON -> "Thompson sampling" + (contextual ? " + segment" : "");
                case MEAN -> "posterior mean" + (contextual ? " + segment" : "");
                case FORMULA -> "formula alone";
                case UNIFORM -> "uniform random";
                case ORACLE -> "oracle";
            };
        }
    }

    static final List<Variant> VARIANTS = List.of(new Variant(Policy.THOMPSON, true), new Variant(Policy.THOMPSON, false),
            new Variant(Policy.MEAN, true), new Variant(Policy.MEAN, false), new Variant(Policy.FORMULA, false),
            new Variant(Policy.UNIFORM, false), new Variant(Policy.ORACLE, false));

    /** What one run measured. */
    static final class Outcome {
        double[] regretAt;
        double[] shareAt;
        long firstServed = -1;      // decisions after the new offer was added, -1: never
        long found = -1;            // ditto, until it had more than half of segment c's window
        double newShareLate;
        double newShareEarlyElsewhere;  // its share of segments a and b's decisions in the first 1,000 after it came        // its share of segment c's decisions in the second half of the time after it came
        double regretAfterNew;
        Evidence[] evidence;
    }

    final List<Offer> offers = new ArrayList<>();
    final Map<String, Integer> index = new HashMap<>();
    final Customer[] customers = new Customer[SEGMENTS.length];
    final Request request = new Request("web", "home", null, null, Map.of());
    final Result result = new Result();
    final EngagementPropensity formula = new EngagementPropensity(1, 20);   // the service's defaults: a 5 % prior
    final ModelSpec plain;
    final ModelSpec segmented;
    final int batch;
    final int draws;
    final int simDraws;
    final int strength;
    final int window;
    final int tableEvery;

    KnownTruth(int batch, int draws, int simDraws, int strength, int window, int tableEvery) {
        this.batch = batch;
        this.draws = draws;
        this.simDraws = simDraws;
        this.strength = strength;
        this.window = window;
        this.tableEvery = tableEvery;
        for (int o = 0; o < TRUTH.length; o++) {
            Offer offer = new Offer("o" + (o + 1), "offer " + (o + 1), "g" + (o + 1), 10, 0, 1, null, null,
                    new EnumMap<>(Map.of(Channel.WEB, new Creative("o" + (o + 1), null, null, null, null))), List.of());
            offers.add(offer);
            index.put(offer.getId(), o);
            result.eligible(offer, "eligible");
        }
        for (int s = 0; s < SEGMENTS.length; s++) {
            // No engagement history: the formula's prior (1 + 0) / (20 + 0) = 0.05 for every customer and offer.
            customers[s] = new Customer("c-" + SEGMENTS[s], true, new CustomerData(Map.of("segment", SEGMENTS[s]),
                    Map.of("web", true), Map.of(), Cart.EMPTY, List.of()), NOW);
        }
        ModelSpec.Predictor segment = new ModelSpec.Predictor("segment", new Source.Profile("segment"));
        plain = new ModelSpec(List.of(), ModelSpec.Exploration.SAMPLE, Map.of("home-mean", ModelSpec.Exploration.MEAN));
        segmented = new ModelSpec(List.of(segment), ModelSpec.Exploration.SAMPLE, Map.of("home-mean", ModelSpec.Exploration.MEAN));
    }

    List<Arbitration.Eligible> eligible(int count) {
        return offers.subList(0, count).stream()
                .map(o -> new Arbitration.Eligible(o, result.verdicts().get(o.getId()), List.of(Channel.WEB))).toList();
    }

    /** The snapshot a replica would publish from this evidence: one model per offer with any, its table when it has predictors. */
    static Models snapshot(Evidence[] evidence, boolean contextual, long at) {
        return snapshot(evidence, contextual, at, new NaiveBayes[evidence.length], new long[evidence.length], 0);
    }

    /**
     * The same, with each table kept as the model store keeps it: built when the model has none yet or its table is
     * at least {@code tableEvery} decisions old (the store's 5 s), while the counts are always current.
     */
    static Models snapshot(Evidence[] evidence, boolean contextual, long at, NaiveBayes[] tables, long[] tableAt, long tableEvery) {
        Map<String, Models.Model[]> byOffer = new HashMap<>();
        for (int o = 0; o < evidence.length; o++) {
            Evidence e = evidence[o];
            if (e == null || e.trials() == 0 && e.positives() == 0) {
                continue;
            }
            Models.Model[] perChannel = new Models.Model[Channel.values().length];
            if (contextual && !e.predictors().isEmpty() && (tables[o] == null || at - tableAt[o] >= tableEvery)) {
                tables[o] = NaiveBayes.of(e);
                tableAt[o] = at;
            }
            perChannel[Channel.WEB.ordinal()] = new Models.Model("o" + (o + 1), Channel.WEB, e.trials(), e.positives(), tables[o], at);
            byOffer.put("o" + (o + 1), perChannel);
        }
        return new Models(Map.copyOf(byOffer));
    }

    /** One run of {@code steps} decisions; the sixth offer joins at {@code addAt} (-1: never). */
    Outcome run(Variant v, long seed, int steps, int[] checkpoints, int addAt) {
        SplittableRandom segmentsRng = new SplittableRandom(seed);
        SplittableRandom responsesRng = new SplittableRandom(seed * 1_000_003L + 17);
        SplittableRandom uniformRng = new SplittableRandom(seed * 7_919L + 5);
        Evidence[] evidence = new Evidence[TRUTH.length];
        Arrays.setAll(evidence, i -> new Evidence());
        NaiveBayes[] tables = new NaiveBayes[TRUTH.length];
        long[] tableAt = new long[TRUTH.length];
        Models[] current = {Models.EMPTY};
        Supplier<Models> models = () -> current[0];
        Arbitration arbitration = v.policy() == Policy.FORMULA ? new Arbitration(formula)
                : new Arbitration(new LearnedPropensity(models, formula, strength), formula, simDraws);
        ModelSpec spec = v.contextual() ? segmented : plain;
        Request req = v.policy() == Policy.MEAN ? new Request("web", "home-mean", null, null, Map.of()) : request;
        List<Arbitration.Eligible> before = eligible(OFFERS);
        List<Arbitration.Eligible> after = eligible(TRUTH.length);

        Outcome out = new Outcome();
        out.regretAt = new double[checkpoints.length];
        out.shareAt = new double[checkpoints.length];
        double regret = 0;
        double reward = 0;
        double oracle = 0;
        int next = 0;
        int active = OFFERS;
        boolean[] recent = new boolean[window];
        int seen = 0;
        int inWindow = 0;
        long lateC = 0;
        long lateNew = 0;
        double regretAfter = 0;
        long earlyOther = 0;
        long earlyOtherNew = 0;
        for (int t = 0; t < steps; t++) {
            if (t == addAt) {
                active = TRUTH.length;
            }
            int s = segmentsRng.nextInt(SEGMENTS.length);
            double u = responsesRng.nextDouble();
            int o;
            Map<String, String> x = Map.of();
            switch (v.policy()) {
                case UNIFORM -> o = uniformRng.nextInt(active);
                case ORACLE -> o = best(s, active);
                default -> {
                    Arbitration.Ranking ranking = arbitration.rank(active == OFFERS ? before : after, customers[s], req, spec,
                            result, Channel.WEB, null, null, 1);
                    o = index.get(ranking.select(c -> true).get(0).offerId());
                    // The predictor values as the decision record carries them to the learner.
                    x = Predictors.decode(ranking.features());
                }
            }
            double p = TRUTH[o][s];
            double bestP = TRUTH[best(s, active)][s];
            regret += bestP - p;
            reward += p;
            oracle += bestP;
            evidence[o].add(x, 1, u < p ? 1 : 0);
            if ((t + 1) % batch == 0 && (v.policy() == Policy.THOMPSON || v.policy() == Policy.MEAN)) {
                current[0] = snapshot(evidence, v.contextual(), t, tables, tableAt, tableEvery);
            }
            if (next < checkpoints.length && t + 1 == checkpoints[next]) {
                out.regretAt[next] = regret;
                out.shareAt[next] = reward / oracle;
                next++;
            }
            if (addAt >= 0 && t >= addAt) {
                regretAfter += bestP - p;
                boolean isNew = o == TRUTH.length - 1;
                if (isNew && out.firstServed < 0) {
                    out.firstServed = t - addAt;
                }
                if (s != NEW_SEGMENT && t < addAt + 1_000) {
                    earlyOther++;
                    earlyOtherNew += isNew ? 1 : 0;
                }
                if (s == NEW_SEGMENT) {
                    if (seen >= window && recent[seen % window]) {
                        inWindow--;
                    }
                    recent[seen % window] = isNew;
                    inWindow += isNew ? 1 : 0;
                    seen++;
                    if (out.found < 0 && seen >= window && inWindow * 2 > window) {
                        out.found = t - addAt;
                    }
                    if (t >= addAt + (steps - addAt) / 2) {
                        lateC++;
                        lateNew += isNew ? 1 : 0;
                    }
                }
            }
        }
        out.newShareLate = lateC == 0 ? 0 : (double) lateNew / lateC;
        out.regretAfterNew = regretAfter;
        out.newShareEarlyElsewhere = earlyOther == 0 ? 0 : (double) earlyOtherNew / earlyOther;
        out.evidence = evidence;
        return out;
    }

    static int best(int segment, int active) {
        int best = 0;
        for (int o = 1; o < active; o++) {
            if (TRUTH[o][segment] > TRUTH[best][segment]) {
                best = o;
            }
        }
        return best;
    }

    /** Median ns per rank() call of each arbitration, over timed batches taken in turn. */
    double[] timing(List<Supplier<Arbitration>> arbitrations, List<ModelSpec> specs, List<Request> requests, int rounds) {
        int calls = 100;
        int warmup = Math.max(rounds / 5, 10);
        double[][] perCall = new double[arbitrations.size()][rounds];
        List<Arbitration.Eligible> eligible = eligible(OFFERS);
        long sink = 0;
        Arbitration[] arb = arbitrations.stream().map(Supplier::get).toArray(Arbitration[]::new);
        for (int r = -warmup; r < rounds; r++) {
            for (int a = 0; a < arb.length; a++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    sink += arb[a].rank(eligible, customers[i % SEGMENTS.length], requests.get(a), specs.get(a), result, Channel.WEB,
                            null, null, 1).candidates().get(0).offerId().length();
                }
                long ns = System.nanoTime() - t0;
                if (r >= 0) {
                    perCall[a][r] = (double) ns / calls;
                }
            }
        }
        if (sink == 42) {
            System.out.println();
        }
        double[] median = new double[arb.length];
        for (int a = 0; a < arb.length; a++) {
            Arrays.sort(perCall[a]);
            median[a] = perCall[a][rounds / 2];
        }
        return median;
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int decisions = Integer.parseInt(opts.getOrDefault("decisions", "50000"));
        int[] checkpoints = Arrays.stream(opts.getOrDefault("checkpoints", "1000,10000,50000").split(","))
                .mapToInt(Integer::parseInt).filter(c -> c <= decisions).toArray();
        long seed = Long.parseLong(opts.getOrDefault("seed", "1"));
        int seeds = Integer.parseInt(opts.getOrDefault("seeds", "5"));
        int batch = Integer.parseInt(opts.getOrDefault("batch", "100"));
        int newAfter = Integer.parseInt(opts.getOrDefault("new-after", "10000"));
        int window = Integer.parseInt(opts.getOrDefault("window", "100"));
        int draws = Integer.parseInt(opts.getOrDefault("draws", String.valueOf(Arbitration.CHOICE_DRAWS)));
        // The choice draws only estimate each served offer's probability for the record, from draws of their own: they do
        // not change what is served, and cost most of a Thompson decision, so the simulation leaves them out by default.
        int simDraws = Integer.parseInt(opts.getOrDefault("sim-draws", "0"));
        int strength = Integer.parseInt(opts.getOrDefault("strength", "20"));
        // Decisions between rebuilds of a model's contextual table (the store's 5 s); by default every snapshot.
        int tableEvery = Integer.parseInt(opts.getOrDefault("table-every", String.valueOf(batch)));
        int rounds = Integer.parseInt(opts.getOrDefault("timing-rounds", "200"));
        Path markdown = opts.containsKey("markdown") ? Path.of(opts.get("markdown")) : null;

        KnownTruth sim = new KnownTruth(batch, draws, simDraws, strength, window, tableEvery);
        long[] seedList = new long[seeds];
        for (int i = 0; i < seeds; i++) {
            seedList[i] = seed + i;
        }
        System.out.printf(Locale.ROOT, "seeds %s, %d decisions, snapshot every %d, tables every %d, choice draws %d (timing %d), prior strength %d%n",
                Arrays.toString(seedList), decisions, batch, tableEvery, simDraws, draws, strength);

        Map<Variant, List<Outcome>> regret = new HashMap<>();
        Map<Variant, List<Outcome>> found = new HashMap<>();
        Evidence[] trained = null;
        long started = System.nanoTime();
        for (Variant v : VARIANTS) {
            for (long s : seedList) {
                Outcome a = sim.run(v, s, decisions, checkpoints, -1);
                Outcome b = sim.run(v, s, decisions, new int[0], newAfter);
                regret.computeIfAbsent(v, k -> new ArrayList<>()).add(a);
                found.computeIfAbsent(v, k -> new ArrayList<>()).add(b);
                if (v.policy() == Policy.THOMPSON && v.contextual() && trained == null) {
                    trained = a.evidence;
                }
                System.out.printf(Locale.ROOT, "%-28s seed %d: regret %s, share %.3f; new offer first %d, found %d, late share %.2f%n",
                        v.label(), s, fmt(a.regretAt, "%.1f"), a.shareAt[a.shareAt.length - 1], b.firstServed, b.found, b.newShareLate);
            }
        }
        double simSeconds = (System.nanoTime() - started) / 1e9;

        // Time per rank() call, over the Thompson + segment run's final evidence (seed 1), five offers.
        Evidence[] five = Arrays.copyOf(trained, OFFERS);
        Models ctx = snapshot(five, true, 0);
        Models flat = snapshot(five, false, 0);
        Request mean = new Request("web", "home-mean", null, null, Map.of());
        List<String> names = List.of("formula alone", "learned, mean", "learned, mean + segment", "learned, Thompson",
                "learned, Thompson + segment", "learned, Thompson + segment, 0 choice draws");
        List<Supplier<Arbitration>> arbs = List.of(
                () -> new Arbitration(sim.formula),
                () -> new Arbitration(new LearnedPropensity(() -> flat, sim.formula, strength), sim.formula, draws),
                () -> new Arbitration(new LearnedPropensity(() -> ctx, sim.formula, strength), sim.formula, draws),
                () -> new Arbitration(new LearnedPropensity(() -> flat, sim.formula, strength), sim.formula, draws),
                () -> new Arbitration(new LearnedPropensity(() -> ctx, sim.formula, strength), sim.formula, draws),
                () -> new Arbitration(new LearnedPropensity(() -> ctx, sim.formula, strength), sim.formula, 0));
        List<ModelSpec> specs = List.of(sim.plain, sim.plain, sim.segmented, sim.plain, sim.segmented, sim.segmented);
        List<Request> requests = List.of(sim.request, mean, mean, sim.request, sim.request, sim.request);
        double[] ns = sim.timing(arbs, specs, requests, rounds);
        for (int i = 0; i < ns.length; i++) {
            System.out.printf(Locale.ROOT, "rank(), %s: %.2f µs a call (median of %d batches of 100)%n", names.get(i), ns[i] / 1000, rounds);
        }

        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Seeds %s (%d runs of %,d decisions per policy and table, averaged; segments and responses "
                        + "from the seeded generators, the same for every policy; Thompson draws from the propensity's own generator, "
                        + "not seeded). Snapshot rebuilt every %d decisions, contextual tables every %d; prior strength m = %d, "
                        + "formula prior 1/20 = 0.05 for every customer; %d choice draws per Thompson decision in the simulation (they "
                        + "estimate the served offer's probability from draws of their own, and do not change what is served), %d in "
                        + "the timing. Simulation %.1f s.%n%n",
                Arrays.toString(seedList), seeds, decisions, batch, sim.tableEvery, strength, simDraws, draws, simSeconds));
        md.append("Expected regret (the oracle's true rate minus the served offer's, summed) after n decisions, and the share of the "
                + "oracle's expected reward earned; the oracle earns 0.0700 a decision, the best single offer (o5) 0.0500:\n\n");
        md.append("| policy |");
        for (int c : checkpoints) {
            md.append(String.format(Locale.ROOT, " regret at %,d |", c));
        }
        for (int c : checkpoints) {
            md.append(String.format(Locale.ROOT, " share at %,d |", c));
        }
        md.append("\n|---|");
        md.append("---:|".repeat(checkpoints.length * 2)).append('\n');
        for (Variant v : VARIANTS) {
            List<Outcome> runs = regret.get(v);
            md.append("| ").append(v.label()).append(" |");
            for (int c = 0; c < checkpoints.length; c++) {
                int cc = c;
                md.append(String.format(Locale.ROOT, " %.1f |", runs.stream().mapToDouble(r -> r.regretAt[cc]).average().orElse(0)));
            }
            for (int c = 0; c < checkpoints.length; c++) {
                int cc = c;
                md.append(String.format(Locale.ROOT, " %.3f |", runs.stream().mapToDouble(r -> r.shareAt[cc]).average().orElse(0)));
            }
            md.append('\n');
        }
        int after = decisions - newAfter;
        md.append(String.format(Locale.ROOT, "%nA new offer (o6: 0.04, 0.04, 0.10 by segment, best in c and on average) added after "
                + "%,d decisions, then %,d more: decisions after it came until it was first served, and until it was served in more "
                + "than half of segment c's last %d decisions (a third of the decisions are c's, so the oracle needs about %d); its "
                + "share of c's decisions in the second half of that time, and of a and b's (where it is not best) in the first 1,000 decisions; the regret over that time. Mean over the seeds that found "
                + "it, and how many did:%n%n", newAfter, after, window, 3 * window));
        md.append("| policy | first served | found (> half of c's window) | seeds that found it | o6's share of c, late | of a and b, first 1,000 | regret after |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (Variant v : VARIANTS) {
            List<Outcome> runs = found.get(v);
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d of %d | %.2f | %.2f | %.1f |%n", v.label(),
                    meanOf(runs.stream().mapToLong(r -> r.firstServed).toArray()),
                    meanOf(runs.stream().mapToLong(r -> r.found).toArray()),
                    runs.stream().filter(r -> r.found >= 0).count(), runs.size(),
                    runs.stream().mapToDouble(r -> r.newShareLate).average().orElse(0),
                    runs.stream().mapToDouble(r -> r.newShareEarlyElsewhere).average().orElse(0),
                    runs.stream().mapToDouble(r -> r.regretAfterNew).average().orElse(0)));
        }
        md.append(String.format(Locale.ROOT, "%nTime per `Arbitration.rank` call (five offers, limit 1, the Thompson + segment run's final "
                + "evidence of seed %d; median of %d batches of 100 calls, taken in turn; printed, not asserted):%n%n", seed, rounds));
        md.append("| propensity | µs a call | over the formula |\n|---|---:|---:|\n");
        for (int i = 0; i < ns.length; i++) {
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %s |%n", names.get(i), ns[i] / 1000,
                    i == 0 ? "" : String.format(Locale.ROOT, "+%.2f µs", (ns[i] - ns[0]) / 1000)));
        }
        System.out.println();
        System.out.print(md);
        if (markdown != null) {
            Files.writeString(markdown, md.toString());
        }
    }

    static String meanOf(long[] values) {
        long[] hit = Arrays.stream(values).filter(x -> x >= 0).toArray();
        return hit.length == 0 ? "never" : String.format(Locale.ROOT, "%,.0f", Arrays.stream(hit).average().orElse(0));
    }

    static String fmt(double[] values, String format) {
        StringBuilder b = new StringBuilder("[");
        for (double d : values) {
            b.append(b.length() > 1 ? ", " : "").append(String.format(Locale.ROOT, format, d));
        }
        return b.append(']').toString();
    }
}
