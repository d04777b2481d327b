package io.nbo.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.nbo.context.CustomerContextRepository;
import io.nbo.context.CustomerDataValidator;
import io.nbo.decision.DecisionEngine;
import io.nbo.model.Channel;
import io.nbo.model.Customer;
import io.nbo.offers.OfferCatalogLoader;
import io.nbo.redis.RedisConnection;
import io.nbo.config.StoreUnavailableException;
import io.nbo.rules.InvalidRuleSetException;
import io.nbo.rules.RuleSet;
import io.nbo.rules.RuleSetCompiler;
import io.nbo.rules.RuleSetStore;
import io.nbo.simulation.ScenarioRunner;
import io.nbo.simulation.Simulation;
import io.nbo.simulation.Simulator;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nbo simulate}: what a candidate rules folder would do to real customers, next to the active rules. */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Shows what a candidate rules folder would offer stored customers, serving nothing.",
        description = {"Runs a candidate rules folder over a sample of stored customers (or a JSON-lines file) without serving "
            + "anything, and compares it with the active rule set (or --against DIR): top offers and channels, each offer's "
            + "funnel (made eligible, left after consent and channel policies, chosen), and how many top offers change."})
final class SimulateCommand implements Callable<Integer> {

    private final Map<String, String> env;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "DIR", defaultValue = "rules", description = "The candidate rules folder (default: ${DEFAULT-VALUE}).")
    private Path dir;

    @Option(names = "--redis", paramLabel = "URL", description = "Redis with the customers and the active rule set (default: NBO_REDIS_URL or redis://127.0.0.1:6379).")
    private String redisUrl;

    @Mixin
    private ClusterOption cluster;

    @Option(names = "--sample", paramLabel = "N", defaultValue = "10000", description = "How many stored customers (default: ${DEFAULT-VALUE}).")
    private int sample;

    @Option(names = "--customers", paramLabel = "FILE", description = "Simulate the customers of this JSON-lines file instead of stored ones.")
    private Path customersFile;

    @Option(names = "--against", paramLabel = "DIR", description = "Compare with this rules folder instead of the active rule set.")
    private Path against;

    @Option(names = "--channel", defaultValue = "web", description = "The calling channel (default: ${DEFAULT-VALUE}).")
    private String channel;

    @Option(names = "--placement", description = "The placement of the simulated requests.")
    private String placement;

    @Option(names = "--limit", defaultValue = "1", description = "Offers per decision (default: ${DEFAULT-VALUE}).")
    private int limit;

    @Option(names = "--now", paramLabel = "INSTANT", description = "The decision time (default: now).")
    private Instant now;

    @Option(names = "--json", description = "Print the report as JSON.")
    private boolean json;

    SimulateCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Channel calling = Channel.fromId(channel).orElseThrow(() -> new UsageProblem("--channel must be one of " + Channel.ids()));
        Instant at = now == null ? Instant.now() : now;
        RuleSetCompiler compiler = new RuleSetCompiler(OfferCatalogLoader.standalone(), Clock.systemUTC());
        RuleSet candidate = compile(compiler, dir, out);
        if (candidate == null) {
            return NboCommand.PARTIAL;
        }
        RuleSet baseline = against == null ? null : compile(compiler, against, out);
        if (against != null && baseline == null) {
            return NboCommand.PARTIAL;
        }
        Simulation.Report report;
        if (customersFile != null) {
            report = fromFile(candidate, baseline, calling, at, err);
        } else {
            String url = redisUrl != null ? redisUrl : env.getOrDefault("NBO_REDIS_URL", "redis://127.0.0.1:6379");
            try (RedisConnection redis = RedisConnection.open(url, cluster.resolve(env), Duration.ofSeconds(2), null)) {
                if (!redis.isConnected()) {
                    throw new UsageProblem("Redis at " + redis.safeAddress() + " is not reachable. Start it, point --redis at a running one, "
                            + "or simulate a file with --customers FILE");
                }
                if (baseline == null) {
                    baseline = activeRuleSet(compiler, redis, err);
                }
                Simulator simulator = new Simulator(new CustomerContextRepository(redis, 50));
                RuleSet compareWith = baseline;
                report = simulator.run(candidate, compareWith, calling, placement, limit, Map.of(), sample, at,
                        soFar -> {
                            err.printf("simulated %,d customers%n", soFar.customers());
                            return true;
                        });
            } catch (StoreUnavailableException e) {
                throw new UsageProblem(e.getMessage());
            }
        }
        print(report, calling, out);
        return 0;
    }

    private Simulation.Report fromFile(RuleSet candidate, RuleSet baseline, Channel calling, Instant at, PrintWriter err) throws Exception {
        Simulation simulation = new Simulation(new DecisionEngine(1, 20, 10_000, ScenarioRunner.BUDGET), candidate, baseline,
                calling, placement, limit, Map.of());
        if (!Files.isRegularFile(customersFile)) {
            throw new UsageProblem("no such file: " + customersFile);
        }
        long skipped = 0;
        try (BufferedReader in = Files.newBufferedReader(customersFile, StandardCharsets.UTF_8);
             JsonLinesReader reader = new JsonLinesReader(in, CustomerDataValidator.standalone())) {
            CustomerLine line;
            while ((line = reader.next()) != null) {
                if (!line.isValid()) {
                    skipped++;
                    continue;
                }
                simulation.add(new Customer(line.id(), true, line.data(), at), at);
                if (simulation.customers() % 10_000 == 0) {
                    err.printf("simulated %,d customers%n", simulation.customers());
                }
            }
        }
        if (skipped > 0) {
            err.printf("skipped %,d invalid lines (nbo import shows why)%n", skipped);
        }
        return simulation.report();
    }

    /** The rule set active in Redis, or null (with a word on stderr) when there is none. */
    private static RuleSet activeRuleSet(RuleSetCompiler compiler, RedisConnection redis, PrintWriter err) {
        RuleSetStore store = new RuleSetStore(redis);
        var version = store.activeVersion().flatMap(store::load);
        if (version.isEmpty()) {
            err.println("no active rule set in Redis: reporting the candidate alone (use --against DIR to compare)");
            return null;
        }
        Map<String, String> files = new java.util.TreeMap<>();
        version.get().files().forEach((name, text) -> {
            if (RuleSetCompiler.isRuleFile(name)) {
                files.put(name, text);
            }
        });
        try {
            return compiler.compile(files);
        } catch (InvalidRuleSetException e) {
            err.println("the active rule set " + version.get().version() + " no longer compiles: reporting the candidate alone");
            return null;
        }
    }

    private static RuleSet compile(RuleSetCompiler compiler, Path folder, PrintWriter out) {
        if (!Files.isDirectory(folder)) {
            throw new UsageProblem("no rules folder at " + folder.toAbsolutePath());
        }
        try {
            return compiler.compile(folder);
        } catch (InvalidRuleSetException e) {
            e.errors().forEach(error -> out.println(folder.resolve(error.file()) + ":" + error.line() + ":" + error.column() + ": " + error.message()));
            out.printf("%s: %d error(s); nothing was simulated%n", folder, e.errors().size());
            out.flush();
            return null;
        }
    }

    private void print(Simulation.Report r, Channel calling, PrintWriter out) throws Exception {
        if (json) {
            out.println(new ObjectMapper().findAndRegisterModules().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
            out.flush();
            return;
        }
        Simulation.Side c = r.candidate();
        Simulation.Side a = r.active();
        out.printf("simulated %,d customers on %s (limit %d): candidate %s%s%n", r.customers(), calling.id(), limit, c.version(),
                a == null ? "" : " against " + a.version());
        if (a != null) {
            out.printf("top offer changes for %,d customers (%.1f%%)%n", r.topOfferChanged(), percent(r.topOfferChanged(), r.customers()));
        }
        out.println();
        out.printf("%-30s %10s %15s %10s %10s %8s%n", "offer", "eligible", "after policies", "chosen", a == null ? "" : "active", a == null ? "" : "change");
        TreeSet<String> offers = new TreeSet<>(c.funnel().keySet());
        if (a != null) {
            offers.addAll(a.funnel().keySet());
        }
        for (String offer : offers) {
            Simulation.Funnel f = c.funnel().getOrDefault(offer, new Simulation.Funnel(0, 0, 0));
            if (a == null) {
                out.printf("%-30s %,10d %,15d %,10d%n", offer, f.eligible(), f.afterPolicies(), f.chosen());
            } else {
                long was = a.funnel().getOrDefault(offer, new Simulation.Funnel(0, 0, 0)).chosen();
                out.printf("%-30s %,10d %,15d %,10d %,10d %+8d%n", offer, f.eligible(), f.afterPolicies(), f.chosen(), was, f.chosen() - was);
            }
        }
        out.println();
        out.println("top offer:   " + shares(c.topOffers(), r.customers()));
        out.println("top channel: " + shares(c.topChannels(), r.customers()));
        out.printf("no offer:    %,d%s%n", c.noOffer(), a == null ? "" : String.format(" (active: %,d)", a.noOffer()));
        out.flush();
    }

    private static String shares(Map<String, Long> counts, long total) {
        StringBuilder sb = new StringBuilder();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).forEach(e ->
                sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(String.format("%.1f%%", percent(e.getValue(), total))));
        return sb.length() == 0 ? "-" : sb.toString();
    }

    private static double percent(long part, long total) {
        return total == 0 ? 0 : 100.0 * part / total;
    }
}
