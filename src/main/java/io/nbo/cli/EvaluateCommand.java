package io.nbo.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nbo.config.StoreUnavailableException;
import io.nbo.context.CustomerContextRepository;
import io.nbo.context.CustomerDataValidator;
import io.nbo.decision.Arbitration;
import io.nbo.decision.DecisionEngine;
import io.nbo.decision.EngagementPropensity;
import io.nbo.decision.LearnedPropensity;
import io.nbo.learning.ModelRepository;
import io.nbo.learning.ModelStore;
import io.nbo.learning.Models;
import io.nbo.evaluation.DecisionLogReader;
import io.nbo.evaluation.Estimate;
import io.nbo.evaluation.Evaluation;
import io.nbo.evaluation.LoggedEvent;
import io.nbo.evaluation.OffPolicyEstimator;
import io.nbo.evaluation.RecordedDecisionStore;
import io.nbo.evaluation.RuleSetPolicy;
import io.nbo.model.Channel;
import io.nbo.offers.OfferCatalogLoader;
import io.nbo.redis.RedisConnection;
import io.nbo.rules.InvalidRuleSetException;
import io.nbo.rules.RuleSet;
import io.nbo.rules.RuleSetCompiler;
import io.nbo.simulation.ScenarioRunner;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nbo evaluate}: a candidate rules folder's reward estimated offline from a log of decisions and responses. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Estimates a candidate rules folder's reward from a log of past decisions and responses.",
        description = {"Replays a decision log (JSON lines, see docs/evaluation.md; or nbo's own recorded decisions and events with "
            + "--from-redis) through the real engine with the candidate rules, and estimates the reward per event the candidate "
            + "would have earned: replay (Li et al. 2011, for uniformly random logs), IPW and self-normalised IPW, with 95% "
            + "intervals, the effective sample size and the mean importance weight, next to the logged policy's own reward."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:evaluated", "1:some lines were rejected (listed; the others were evaluated), or the rules do not compile",
            "2:usage error, unreadable log, or Redis unreachable", "3:unexpected failure"})
final class EvaluateCommand implements Callable<Integer> {

    /** Rejected lines listed before "... and N more". */
    static final int SHOWN_PROBLEMS = 20;

    private final InputStream stdin;
    private final Map<String, String> env;

    @Spec
    private CommandSpec spec;

    /** Where the log comes from: a file or nbo's Redis. */
    static final class Source {
        @Option(names = "--log", paramLabel = "FILE", description = "The decision log, JSON lines; - for standard input.")
        String log;

        @Option(names = "--from-redis", paramLabel = "URL", arity = "0..1", fallbackValue = "",
                description = "Read nbo's recorded decisions and events from this Redis (default: NBO_REDIS_URL or redis://127.0.0.1:6379).")
        String redis;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Source source;

    @Mixin
    private ClusterOption cluster;

    @Option(names = "--rules", paramLabel = "DIR", defaultValue = "rules", description = "The candidate rules folder (default: ${DEFAULT-VALUE}).")
    private Path rules;

    @Option(names = "--channel", defaultValue = "web", description = "The calling channel of events whose request names none (default: ${DEFAULT-VALUE}).")
    private String channel;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of replay's draws from a stochastic candidate (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--json", description = "Print the report as JSON.")
    private boolean json;

    @Option(names = "--models", paramLabel = "URL", arity = "0..1", fallbackValue = "",
            description = "Decide with the learned models stored in this Redis (default: NBO_REDIS_URL or redis://127.0.0.1:6379), as the "
                    + "service does: propensities from the models, exploration and predictors from the candidate's models.yaml, and "
                    + "each offer's choice probability from the candidate's own draws. Without it: the engagement formula, deterministic.")
    private String models;

    /** The candidate's arbitration: the formula, or the learned models read once from Redis ({@code --models}). */
    private Arbitration arbitration(PrintWriter err) {
        EngagementPropensity formula = new EngagementPropensity(1, 20);
        if (models == null) {
            return new Arbitration(formula);
        }
        String url = !models.isEmpty() ? models : env.getOrDefault("NBO_REDIS_URL", "redis://127.0.0.1:6379");
        try (RedisConnection redis = RedisConnection.open(url, cluster.resolve(env), Duration.ofSeconds(5), null)) {
            ModelRepository repository = new ModelRepository(redis, Duration.ofSeconds(30));
            try {
                ModelStore store = new ModelStore(repository, true);
                store.poll();
                Models snapshot = store.current();
                err.printf("models: %d offers learned, read from %s%n", snapshot.byOffer().size(), redis.safeAddress());
                return new Arbitration(new LearnedPropensity(() -> snapshot, formula, 20), formula, Arbitration.CHOICE_DRAWS * 10);
            } catch (RuntimeException e) {
                throw new UsageProblem("--models: the models could not be read from " + redis.safeAddress() + ": " + e.getMessage());
            } finally {
                repository.close();
            }
        }
    }

    EvaluateCommand(InputStream stdin, Map<String, String> env) {
        this.stdin = stdin;
        this.env = env;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Channel fallback = Channel.fromId(channel).orElseThrow(() -> new UsageProblem("--channel must be one of " + Channel.ids()));
        if (!Files.isDirectory(rules)) {
            throw new UsageProblem("no rules folder at " + rules.toAbsolutePath());
        }
        RuleSet ruleSet;
        try {
            ruleSet = new RuleSetCompiler(OfferCatalogLoader.standalone(), Clock.systemUTC()).compile(rules);
        } catch (InvalidRuleSetException e) {
            e.errors().forEach(error -> out.println(rules.resolve(error.file()) + ":" + error.line() + ":" + error.column() + ": " + error.message()));
            out.printf("%s: %d error(s); nothing was evaluated%n", rules, e.errors().size());
            out.flush();
            return NboCommand.PARTIAL;
        }
        RuleSetPolicy policy = new RuleSetPolicy(new DecisionEngine(arbitration(err), 10_000, ScenarioRunner.BUDGET), ruleSet, fallback);
        Evaluation evaluation = new Evaluation(policy, seed);
        List<String> problems = new ArrayList<>();
        long rejected = 0;
        String from;
        ObjectNode recorded = null;
        if (source.log != null) {
            from = source.log;
            try (DecisionLogReader reader = new DecisionLogReader(open(source.log), CustomerDataValidator.standalone())) {
                DecisionLogReader.Line line;
                while ((line = reader.next()) != null) {
                    if (line.isValid()) {
                        evaluation.add(line.event());
                    } else {
                        rejected++;
                        if (problems.size() < SHOWN_PROBLEMS) {
                            problems.add(line.describeProblems());
                        }
                    }
                }
            }
        } else {
            String url = !source.redis.isEmpty() ? source.redis : env.getOrDefault("NBO_REDIS_URL", "redis://127.0.0.1:6379");
            try (RedisConnection redis = RedisConnection.open(url, cluster.resolve(env), Duration.ofSeconds(5), null)) {
                if (!redis.isConnected()) {
                    throw new UsageProblem("Redis at " + redis.safeAddress() + " is not reachable. Start it, or point --from-redis at a running one");
                }
                from = redis.safeAddress();
                RecordedDecisionStore.Log log = new RecordedDecisionStore(redis, new CustomerContextRepository(redis, 50), Duration.ofSeconds(5)).read();
                for (LoggedEvent event : log.events()) {
                    evaluation.add(event);
                }
                recorded = new ObjectMapper().createObjectNode().put("impressions", log.impressions()).put("noRecord", log.noRecord())
                        .put("noProbability", log.noProbability());
            } catch (StoreUnavailableException e) {
                throw new UsageProblem(e.getMessage());
            }
        }
        OffPolicyEstimator.Report report = evaluation.report();
        if (json) {
            printJson(report, from, policy.version(), rejected, problems, recorded, out);
        } else {
            print(report, from, policy.version(), rejected, problems, recorded, out, err);
        }
        return rejected > 0 ? NboCommand.PARTIAL : 0;
    }

    private BufferedReader open(String log) throws java.io.IOException {
        if (log.equals("-")) {
            return new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
        }
        Path file = Path.of(log);
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new UsageProblem("cannot read the log " + file);
        }
        return Files.newBufferedReader(file, StandardCharsets.UTF_8);
    }

    private void print(OffPolicyEstimator.Report r, String from, String version, long rejected, List<String> problems, ObjectNode recorded,
                       PrintWriter out, PrintWriter err) {
        for (String p : problems) {
            err.println(p);
        }
        if (rejected > problems.size()) {
            err.printf(Locale.ROOT, "... and %,d more%n", rejected - problems.size());
        }
        err.flush();
        out.printf(Locale.ROOT, "evaluated rules %s on %,d events from %s%s%n", version, r.events(), from,
                rejected == 0 ? "" : String.format(Locale.ROOT, " (%,d lines rejected)", rejected));
        if (recorded != null) {
            out.printf(Locale.ROOT, "recorded: %,d impressions, %,d without a decision record (expired), %,d without a choice probability%n",
                    recorded.get("impressions").asLong(), recorded.get("noRecord").asLong(), recorded.get("noProbability").asLong());
        }
        out.println();
        out.printf(Locale.ROOT, "%-8s %10s %12s %27s  %s%n", "method", "events", "reward", "95% interval", "interval");
        for (Estimate e : List.of(r.logged(), r.replay(), r.ipw(), r.snipw())) {
            out.printf(Locale.ROOT, "%-8s %,10d %12s %27s  %s%n", e.method(), e.used(), number(e.value()),
                    Double.isNaN(e.low()) ? "-" : "[" + number(e.low()) + ", " + number(e.high()) + "]", e.interval());
        }
        out.println();
        out.printf(Locale.ROOT, "effective sample size %.1f, mean importance weight %s%n", r.effectiveSampleSize(), number(r.meanWeight()));
        for (String w : r.warnings()) {
            out.println("warning: " + w);
        }
        out.flush();
    }

    private void printJson(OffPolicyEstimator.Report r, String from, String version, long rejected, List<String> problems, ObjectNode recorded,
                           PrintWriter out) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("source", from).put("rules", version).put("eventsRead", r.events() + rejected).put("eventsEvaluated", r.events())
                .put("rejectedLines", rejected).put("unknownProbability", r.unknownProbability());
        root.putPOJO("problems", problems);
        if (recorded != null) {
            root.set("recorded", recorded);
        }
        ObjectNode estimates = root.putObject("estimates");
        for (Estimate e : List.of(r.logged(), r.replay(), r.ipw(), r.snipw())) {
            ObjectNode n = estimates.putObject(e.method());
            n.put("events", e.used());
            putNumber(n, "value", e.value());
            putNumber(n, "low", e.low());
            putNumber(n, "high", e.high());
            n.put("interval", e.interval());
        }
        putNumber(root, "effectiveSampleSize", r.effectiveSampleSize());
        putNumber(root, "meanWeight", r.meanWeight());
        root.putPOJO("warnings", r.warnings());
        out.println(mapper.writeValueAsString(root));
        out.flush();
    }

    /** NaN as JSON null. */
    private static void putNumber(ObjectNode node, String name, double value) {
        if (Double.isNaN(value)) {
            node.putNull(name);
        } else {
            node.put(name, value);
        }
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.6f", value);
    }
}
