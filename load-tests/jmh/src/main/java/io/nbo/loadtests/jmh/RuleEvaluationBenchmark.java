package io.nbo.loadtests.jmh;

import io.nbo.cli.NboCommand;
import io.nbo.offers.OfferCatalogLoader;
import io.nbo.rules.RuleSet;
import io.nbo.rules.RuleSetCompiler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time of one {@code RuleSet.evaluate} (the target: a 10,000-rule set costs at most twice the p50 of the 100-rule
 * set), single-threaded, with the rule sets and decisions of {@code load-tests/scale/ruleset-scale.sh}: a generated
 * rule set compiled as RuleSetScale compiles it, and a fixed pool of 4,000 decision inputs over 2,000 demo
 * customers, evaluated in turn. No Redis, contact policies or HTTP: the rules alone.
 *
 * <p>{@code rules} is a rule count with the offers ruleset-scale.sh pairs with it (100: 50, 1,000: 100,
 * 10,000: 200), {@code N:M} for N rules and M offers, or {@code demo} for the repository's {@code rules/}
 * folder (run from the repository root).
 */
@BenchmarkMode({Mode.SampleTime, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// The JVM of ruleset-scale.sh. The JBoss log manager is the service's; its root level is set to WARNING below,
// since at its default (ALL) Drools formats a trace message on every segment link, several times slower.
@Fork(value = 1, jvmArgs = {"-Xmx2g", "-XX:+UseG1GC", "-Djava.util.logging.manager=org.jboss.logmanager.LogManager"})
// 20 s of warm-up, as RuleSetScale's (10,000 decisions or 20 s): a few hundred decisions at 10,000 rules today.
@Warmup(iterations = 5, time = 4)
@Measurement(iterations = 5, time = 6)
@State(Scope.Thread)
public class RuleEvaluationBenchmark {

    // Held so the level set on it is not garbage collected with it: warnings and errors only.
    static final Logger ROOT_LOG = Logger.getLogger("");

    static {
        ROOT_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    static final Map<Integer, Integer> OFFERS = Map.of(100, 50, 1_000, 100, 10_000, 200);
    static final int CUSTOMERS = 2_000;
    static final int INPUTS = 4_000;

    @Param({"100", "10000"})
    public String rules;

    private Path work;
    private RuleSet ruleSet;
    private Workload.Input[] inputs;
    private Instant now;
    private int maxFirings;
    private int next;

    @Setup(Level.Trial)
    public void compile() throws Exception {
        Workload workload = Workload.load();
        now = workload.now();
        maxFirings = workload.maxFirings();
        work = Files.createTempDirectory("nbo-jmh");
        Path customers = work.resolve("customers.jsonl");
        int code = NboCommand.commandLine(InputStream.nullInputStream(), Map.of())
                .execute("generate", "--count", String.valueOf(CUSTOMERS), "--seed", "42", "--now", now.toString(), "--out", customers.toString());
        if (code != 0) {
            throw new IllegalStateException("nbo generate exited with " + code);
        }

        Path folder;
        List<Workload.Input> pool;
        int expectedRules;
        if (rules.equals("demo")) {
            folder = Path.of("rules");
            if (!Files.isRegularFile(folder.resolve(OfferCatalogLoader.FILE_NAME))) {
                throw new IllegalStateException("no demo rule set in " + folder.toAbsolutePath() + ": run from the repository root");
            }
            pool = workload.demo(customers, INPUTS);
            expectedRules = -1;
        } else {
            String[] size = rules.split(":");
            expectedRules = Integer.parseInt(size[0]);
            Integer offers = size.length > 1 ? Integer.valueOf(size[1]) : OFFERS.get(expectedRules);
            if (offers == null) {
                throw new IllegalArgumentException("no offer count for " + rules + " rules: give one as " + rules + ":OFFERS");
            }
            folder = work.resolve("rules");
            pool = workload.generated(expectedRules, offers, folder, customers, INPUTS);
        }

        long start = System.nanoTime();
        ruleSet = new RuleSetCompiler(OfferCatalogLoader.standalone(), Clock.systemUTC()).compile(folder);
        long compileMs = (System.nanoTime() - start) / 1_000_000;
        if (expectedRules >= 0 && ruleSet.ruleCount() != expectedRules) {
            throw new IllegalStateException("expected " + expectedRules + " rules, compiled " + ruleSet.ruleCount());
        }
        inputs = pool.toArray(Workload.Input[]::new);
        System.out.printf("%n%s: %,d rules, %,d offers, compiled in %,d ms; %,d decision inputs over %,d customers%n", rules,
                ruleSet.ruleCount(), ruleSet.catalog().size(), compileMs, inputs.length, CUSTOMERS);
    }

    /** One decision: the next input of the pool. The Evaluation returned goes to JMH's Blackhole. */
    @Benchmark
    public RuleSet.Evaluation evaluate() {
        Workload.Input in = inputs[next];
        next = next + 1 == inputs.length ? 0 : next + 1;
        return ruleSet.evaluate(in.customer(), in.request(), now, maxFirings);
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        ruleSet = null;
        try (Stream<Path> files = Files.walk(work)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
