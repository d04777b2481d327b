import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.nbo.context.CustomerDataValidator;
import io.nbo.model.Cart;
import io.nbo.model.Customer;
import io.nbo.model.CustomerData;
import io.nbo.model.Event;
import io.nbo.model.Request;
import io.nbo.offers.OfferCatalogLoader;
import io.nbo.rules.RuleSet;
import io.nbo.rules.RuleSetCompiler;
import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Measures rule sets at scale: compile and reload time, retained heap and decision time for N generated
 * rules ({@code size}), and heap, metaspace and classes over a series of reloads ({@code reloads}).
 * A reload is what {@code FolderPublisher} does with a changed folder, without Redis and scenario
 * tests: read the folder, hash it, compile it, warm it up, swap one atomic reference ({@link Swapper}).
 * Run by {@code load-tests/ruleset-scale.sh}; one mode per JVM.
 *
 * <pre>
 * RuleSetScale size    --rules 1000 --offers 100 --customers customers.jsonl
 * RuleSetScale reloads --count 200 --decisions 500 --demo rules --customers customers.jsonl
 * </pre>
 */
public final class RuleSetScale {

    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    static final int MAX_FIRINGS = 10_000;
    static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    static final ClassLoadingMXBean CLASSES = ManagementFactory.getClassLoadingMXBean();
    // Held so the level set on it is not garbage collected with it: warnings and errors only.
    static final Logger ROOT_LOG = Logger.getLogger("");

    /** One decision to make: a customer and a request. */
    record Decision(Customer customer, Request request) {
    }

    /** One customer line of {@code nbo generate}. */
    record Line(String id, Map<String, Object> profile, Map<String, Boolean> consent,
                Map<String, Map<String, Long>> engagement, Cart cart, List<Event> recent) {
    }

    public static void main(String[] args) throws Exception {
        ROOT_LOG.setLevel(Level.WARNING);
        Map<String, String> opt = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        List<CustomerData> customers = readCustomers(Path.of(opt.getOrDefault("customers", "target/ruleset-scale/customers.jsonl")));
        switch (args.length == 0 ? "" : args[0]) {
            case "size" -> {
                int rules = Integer.parseInt(opt.getOrDefault("rules", "1000"));
                // Three timed compiles of 10,000 rules, five of smaller sets.
                int runs = Integer.parseInt(opt.getOrDefault("runs", rules >= 10_000 ? "3" : "5"));
                size(rules, Integer.parseInt(opt.getOrDefault("offers", "100")), runs, Integer.parseInt(opt.getOrDefault("decisions", "20000")), customers);
            }
            case "reloads" -> reloads(Integer.parseInt(opt.getOrDefault("count", "200")), Integer.parseInt(opt.getOrDefault("decisions", "500")),
                    Path.of(opt.getOrDefault("demo", "rules")), customers);
            default -> {
                System.err.println("usage: RuleSetScale size --rules N --offers M [--runs 3] [--decisions 20000] [--customers f]\n"
                        + "       RuleSetScale reloads [--count 200] [--decisions 500] [--demo rules] [--customers f]");
                System.exit(2);
            }
        }
    }

    // ------------------------------------------------------------------------------------ size

    static void size(int rules, int offers, int runs, int decisionCount, List<CustomerData> customers) throws Exception {
        RuleSetCompiler compiler = new RuleSetCompiler(OfferCatalogLoader.standalone(), Clock.systemUTC());
        RuleSetGenerator.Generated g = RuleSetGenerator.generate(rules, offers, 7);
        long drlBytes = g.files().values().stream().mapToLong(String::length).sum();
        System.out.printf("== %,d rules, %,d offers, %d files, %,d characters%n", rules, offers, g.files().size(), drlBytes);

        // Warm-up: compiles of another set of the same size (at most 1,000 rules), about 5,000 rules in all
        // and at least two, so the timed compiles run on JIT-compiled code.
        RuleSetGenerator.Generated warm = RuleSetGenerator.generate(Math.min(rules, 1000), offers, 8);
        int warmups = runs == 0 ? 0 : Math.max(2, 5000 / warm.rules());
        long warmStart = System.nanoTime();
        for (int i = 0; i < warmups; i++) {
            long t = System.nanoTime();
            compiler.compile(warm.files());
            if (i < 2 || i == warmups - 1) {
                System.out.printf("warm-up compile %d of %d (%,d rules): %.0f ms%n", i + 1, warmups, warm.rules(), ms(System.nanoTime() - t));
            }
        }
        System.out.printf("warm-up: %.1f s%n", (System.nanoTime() - warmStart) / 1e9);

        // Timed compiles; after each, the heap the rule set keeps alive: used heap after GC while it is held,
        // minus used heap after GC once it is dropped (so caches a compile leaves behind are not counted).
        double[] compileMs = new double[runs];
        long[] retained = new long[runs];
        long[] metaspace = new long[runs];
        long[] classes = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            RuleSet set = compiler.compile(g.files());
            compileMs[i] = ms(System.nanoTime() - t);
            if (set.ruleCount() != rules) {
                throw new IllegalStateException("expected " + rules + " rules, compiled " + set.ruleCount());
            }
            long held = usedAfterGc();
            long heldMeta = pool("Metaspace");
            long heldClasses = CLASSES.getLoadedClassCount();
            set = null;
            long dropped = usedAfterGc();
            retained[i] = held - dropped;
            metaspace[i] = heldMeta - pool("Metaspace");
            classes[i] = heldClasses - CLASSES.getLoadedClassCount();
            System.out.printf("compile %d: %.0f ms, retained heap %.1f MB (held %.1f, dropped %.1f), metaspace %.1f MB, %,d classes%n",
                    i + 1, compileMs[i], mb(retained[i]), mb(held), mb(dropped), mb(metaspace[i]), classes[i]);
        }

        // What the service does on a change of the folder: read the folder, hash it, compile, warm up, swap.
        Path dir = Files.createTempDirectory("nbo-ruleset-scale");
        g.writeTo(dir);
        double[] readHash = new double[5];
        for (int i = 0; i < readHash.length; i++) {
            long t = System.nanoTime();
            RuleSetCompiler.versionOf(RuleSetCompiler.readFolder(dir));
            readHash[i] = ms(System.nanoTime() - t);
        }
        Swapper swapper = new Swapper(compiler, dir);
        long t = System.nanoTime();
        if (!swapper.reloadIfChanged()) {
            throw new IllegalStateException("the rule set did not change");
        }
        double reloadMs = ms(System.nanoTime() - t);
        // The swap itself: one AtomicReference.getAndSet, timed over a million swaps between two sets (the very first
        // one in a JVM also links the VarHandle, about 0.1 ms once).
        AtomicReference<RuleSet> ref = new AtomicReference<>();
        RuleSet[] two = {swapper.active(), compiler.compile(warm.files())};
        long swaps = System.nanoTime();
        for (int i = 0; i < 1_000_000; i++) {
            ref.getAndSet(two[i & 1]);
        }
        double swapNanos = (System.nanoTime() - swaps) / 1e6;
        // Nothing but the swapper may hold the active set now, or the heap kept after decisions below reads 0 MB
        // or not, as the JIT happens to treat these locals as live.
        two[0] = null;
        two[1] = null;
        ref.set(null);
        System.out.printf("reload (read + hash + compile + warm-up + swap): %.0f ms; read + hash alone: %.1f ms (median of 5); swap: %.1f ns%n",
                reloadMs, median(readHash), swapNanos);

        // Decisions: a fixed pool of customers and requests, warm-up, then timed one by one.
        List<Decision> pool = decisions(customers, g, 4000, 42);
        RuleSet[] active = {swapper.active()};
        Timing timing = time(d -> active[0].evaluate(d.customer(), d.request(), NOW, MAX_FIRINGS), pool, decisionCount);
        System.out.println("decisions: " + timing);

        // Retained heap of the active rule set after the decisions (Drools builds some structures lazily).
        long held = usedAfterGc();
        swapper = null;
        active[0] = null;
        long dropped = usedAfterGc();
        System.out.printf("retained after decisions: %.1f MB%n", mb(held - dropped));

        System.out.println("| rules | offers | compile, median (min-max) | reload | heap kept | heap kept after decisions | metaspace kept | classes kept"
                + " | decision p50 | p99 | p99.9 | decisions timed | rules fired per decision |");
        System.out.printf("| %,d | %,d | %,.0f ms (%,.0f-%,.0f) | %,.0f ms | %.1f MB | %.1f MB | %.1f MB | %,d | %.3f ms | %.3f ms | %.3f ms | %,d | %.1f |%n",
                rules, offers, median(compileMs), Arrays.stream(compileMs).min().orElse(0), Arrays.stream(compileMs).max().orElse(0),
                reloadMs, mb(median(retained)), mb(held - dropped), mb(median(metaspace)), median(classes), ms(timing.pct(50)),
                ms(timing.pct(99)), ms(timing.pct(99.9)), timing.nanos().length, timing.meanFirings());
        deleteFolder(dir);
    }

    // --------------------------------------------------------------------------------- reloads

    static void reloads(int count, int decisionsPerReload, Path demo, List<CustomerData> customers) throws Exception {
        if (Boolean.getBoolean("ruleset.rulesParent")) {
            // RuleSetCompiler passes this parent to Drools' build and container; set as the context class loader too,
            // it also answers where Drools falls back to that one. Drools asks the parent for every generated class
            // name, and the JDK's class loaders would cache each miss for good (BuiltinClassLoader.resourceCache).
            Thread.currentThread().setContextClassLoader(RuleSetCompiler.rulesParentClassLoader());
            System.out.println("(with RuleSetCompiler.rulesParentClassLoader() as the context class loader)");
        }
        RuleSetCompiler compiler = new RuleSetCompiler(OfferCatalogLoader.standalone(), Clock.systemUTC());
        Map<String, String> demoFiles = RuleSetCompiler.readFolder(demo);
        Path dir = Files.createTempDirectory("nbo-ruleset-reloads");
        Swapper swapper = new Swapper(compiler, dir);
        System.out.printf("== %d reloads, each a new version (every third the demo folder with a changed comment, the others"
                + " 200 generated rules, 50 offers, a new seed each), %d decisions after each%n", count, decisionsPerReload);
        System.out.println("| reloads | heap used after GC | metaspace used | class space used | classes loaded | classes unloaded (total) | mean reload |");
        System.out.println("|---|---|---|---|---|---|---|");
        printReloadRow(0, 0);
        long reloadNanos = 0;
        for (int n = 1; n <= count; n++) {
            RuleSetGenerator.Generated set;
            if (n % 3 == 0) {
                Map<String, String> files = new java.util.TreeMap<>(demoFiles);
                files.put("zz-reload.drl", "package rules;\n\n// reload " + n + "\n");
                set = new RuleSetGenerator.Generated(files, -1, -1, List.of("home-hero", "checkout-banner"), List.of("bf26"));
            } else {
                set = RuleSetGenerator.generate(200, 50, 1000 + n);
            }
            set.writeTo(dir);
            long t = System.nanoTime();
            if (!swapper.reloadIfChanged()) {
                throw new IllegalStateException("reload " + n + " did not swap");
            }
            reloadNanos += System.nanoTime() - t;
            RuleSet active = swapper.active();
            for (Decision d : decisions(customers, set, decisionsPerReload, n)) {
                active.evaluate(d.customer(), d.request(), NOW, MAX_FIRINGS);
            }
            if (n % 20 == 0) {
                printReloadRow(n, reloadNanos / 20);
                reloadNanos = 0;
            }
        }
        System.out.println("pid " + ProcessHandle.current().pid());
        if (Boolean.getBoolean("ruleset.pause")) {
            System.out.println("paused for a heap histogram (jcmd <pid> GC.class_histogram); press Enter to end");
            System.in.read();
        }
        deleteFolder(dir);
    }

    static void printReloadRow(int n, long meanReloadNanos) {
        long heap = usedAfterGc();
        System.out.printf("| %d | %.1f MB | %.1f MB | %.1f MB | %,d | %,d | %s |%n", n, mb(heap), mb(pool("Metaspace")),
                mb(pool("Compressed Class Space")), CLASSES.getLoadedClassCount(), CLASSES.getUnloadedClassCount(),
                n == 0 ? "" : String.format("%.0f ms", ms(meanReloadNanos)));
    }

    // --------------------------------------------------------------------------------- timing

    /** Decision timings, sorted, and how many rules fired in each. */
    record Timing(int warmups, long[] nanos, long[] firings, double eligibleShare) {

        long pct(double p) {
            return RuleSetScale.pct(nanos, p);
        }

        double meanFirings() {
            return Arrays.stream(firings).average().orElse(0);
        }

        @Override
        public String toString() {
            return String.format("%,d after %,d warm-up; p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms;"
                            + " rules fired per decision: mean %.1f, p50 %d, p99 %d, max %d; %.0f %% with an eligible offer;"
                            + " %.1f %% over the service's 50 ms time budget",
                    nanos.length, warmups, ms(pct(50)), ms(pct(90)), ms(pct(99)), ms(pct(99.9)), ms(nanos[nanos.length - 1]),
                    meanFirings(), RuleSetScale.pct(firings, 50), RuleSetScale.pct(firings, 99), firings[firings.length - 1], 100 * eligibleShare,
                    100.0 * Arrays.stream(nanos).filter(x -> x > 50_000_000L).count() / nanos.length);
        }
    }

    /**
     * Times decisions one by one, single-threaded: a warm-up of 10,000 decisions (at most 20 s), then
     * {@code count} decisions (at most 45 s, at least 100: the 10,000-rule set is slow), cycling through the pool.
     */
    static Timing time(Function<Decision, RuleSet.Evaluation> evaluate, List<Decision> pool, int count) {
        long warmEnd = System.nanoTime() + 20_000_000_000L;
        int warmups = 0;
        while (warmups < 10_000 && System.nanoTime() < warmEnd) {
            evaluate.apply(pool.get(warmups++ % pool.size()));
        }
        long[] nanos = new long[count];
        long[] firings = new long[count];
        int eligible = 0;
        int n = 0;
        long end = System.nanoTime() + 45_000_000_000L;
        for (; n < count && (n < 100 || System.nanoTime() < end); n++) {
            Decision d = pool.get(n % pool.size());
            long s = System.nanoTime();
            RuleSet.Evaluation e = evaluate.apply(d);
            nanos[n] = System.nanoTime() - s;
            firings[n] = e.firedRules().size();
            if (e.result().verdicts().values().stream().anyMatch(v -> v.isEligible())) {
                eligible++;
            }
        }
        nanos = Arrays.copyOf(nanos, n);
        firings = Arrays.copyOf(firings, n);
        Arrays.sort(nanos);
        Arrays.sort(firings);
        return new Timing(warmups, nanos, firings, (double) eligible / n);
    }

    // --------------------------------------------------------------------------------- helpers

    /**
     * What {@code FolderPublisher} does when the rules folder changes, without the Redis store and the
     * scenario gate: read every file, hash it, compile when the hash changed, run the validator's warm-up
     * (one decision per channel), keep the last four compiled versions ({@code ActiveRuleSet} keeps two
     * since 6c18e18), swap one reference.
     */
    static final class Swapper {
        private final RuleSetCompiler compiler;
        private final Path dir;
        private final AtomicReference<RuleSet> active = new AtomicReference<>();
        private final Map<String, RuleSet> compiled = new java.util.LinkedHashMap<>(8, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, RuleSet> eldest) {
                return size() > 4;
            }
        };
        private String lastSeenVersion;

        Swapper(RuleSetCompiler compiler, Path dir) {
            this.compiler = compiler;
            this.dir = dir;
        }

        RuleSet active() {
            return active.get();
        }

        boolean reloadIfChanged() throws Exception {
            Map<String, String> files = RuleSetCompiler.readFolder(dir);
            String version = RuleSetCompiler.versionOf(files);
            if (version.equals(lastSeenVersion)) {
                return false;
            }
            lastSeenVersion = version;
            RuleSet next = compiler.compile(files);
            List<String> unfinished = next.warmUp(10_000, java.time.Duration.ofSeconds(1));
            if (!unfinished.isEmpty()) {
                throw new IllegalStateException("warm-up: " + unfinished);
            }
            compiled.put(next.version(), next);
            active.getAndSet(next);
            return true;
        }
    }

    static List<CustomerData> readCustomers(Path file) throws IOException {
        ObjectMapper json = JsonMapper.builder().addModule(new JavaTimeModule())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        CustomerDataValidator validator = CustomerDataValidator.standalone();
        List<CustomerData> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String text;
            while ((text = in.readLine()) != null) {
                Line l = json.readValue(text, Line.class);
                CustomerDataValidator.Checked c = validator.check(new CustomerData(l.profile(), l.consent(), l.engagement(), l.cart(), l.recent()));
                if (!c.isValid()) {
                    throw new IllegalStateException(l.id() + ": " + c.errors());
                }
                out.add(c.data());
            }
        }
        return out;
    }

    /** Requests like a mix of channels: 90 % known customers, a placement of the set's pool, 30 % with a campaign. */
    static List<Decision> decisions(List<CustomerData> customers, RuleSetGenerator.Generated g, int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String[] channels = {"web", "web", "web", "web", "app", "app", "app", "email", "call_center", "store", "sms", "push"};
        List<Decision> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Customer c = r.nextInt(10) == 0 ? Customer.unknown(null, NOW)
                    : new Customer("demo-" + i, true, customers.get(r.nextInt(customers.size())), NOW);
            Map<String, Object> context = new HashMap<>();
            if (r.nextInt(10) < 3) {
                context.put("campaign", g.campaigns().get(r.nextInt(g.campaigns().size())));
            }
            String channel = channels[r.nextInt(channels.length)];
            Request q = new Request(channel, g.placements().get(r.nextInt(g.placements().size())),
                    RuleSetGenerator.PAGES[r.nextInt(RuleSetGenerator.PAGES.length)],
                    RuleSetGenerator.DEVICES[r.nextInt(RuleSetGenerator.DEVICES.length)], context);
            out.add(new Decision(c, q));
        }
        return out;
    }

    /** Used heap after full GCs, repeated until it stops falling (at most 6). */
    static long usedAfterGc() {
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 6; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long used = MEMORY.getHeapMemoryUsage().getUsed();
            if (i >= 2 && previous - used < 256 * 1024) {
                return used;
            }
            previous = used;
        }
        return previous;
    }

    static long pool(String name) {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getName().equals(name)) {
                return p.getUsage().getUsed();
            }
        }
        return -1;
    }

    static long pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static double median(double[] a) {
        if (a.length == 0) {
            return Double.NaN;
        }
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static long median(long[] a) {
        if (a.length == 0) {
            return 0;
        }
        long[] s = a.clone();
        Arrays.sort(s);
        return s[(s.length - 1) / 2];
    }

    static double ms(double nanos) {
        return nanos / 1e6;
    }

    static double mb(double bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    static void deleteFolder(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }
}
