package io.nbo.simulation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.nbo.context.CustomerDataValidator;
import io.nbo.decision.Decision;
import io.nbo.decision.Decision.RankedOffer;
import io.nbo.decision.Decision.Suppression;
import io.nbo.decision.DecisionEngine;
import io.nbo.model.Channel;
import io.nbo.model.Customer;
import io.nbo.model.Request;
import io.nbo.rules.RuleSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/** Runs scenario files against a rule set and says, for each, what did not hold. */
public final class ScenarioRunner {

    /** One scenario's outcome: empty {@code failures} means it passed. */
    public record Run(String file, String name, List<String> failures, DecisionEngine.Outcome outcome) {
        public boolean passed() {
            return failures.isEmpty();
        }
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * The time rules get per decision of a simulation ({@link Simulator}, {@code nbo simulate}), where a
     * decision cut short is counted, not refused. Scenarios get {@link #SAFETY_STOP}.
     */
    public static final java.time.Duration BUDGET = java.time.Duration.ofSeconds(1);

    /**
     * Wall time after which a scenario's rules are stopped. Whether the rules finish is judged on the
     * firing limit; this only stops a run that would never end, since a 1 s budget refused valid rule
     * sets on a busy machine. A run that finishes passes however long it took.
     */
    public static final java.time.Duration SAFETY_STOP = java.time.Duration.ofSeconds(30);

    private final DecisionEngine engine;
    private final CustomerDataValidator validator;

    public ScenarioRunner(DecisionEngine engine, CustomerDataValidator validator) {
        this.engine = engine;
        this.validator = validator;
    }

    /** A runner with the default propensity prior and firing limit, and the scenario {@link #SAFETY_STOP}. */
    public static ScenarioRunner standard(CustomerDataValidator validator) {
        return new ScenarioRunner(new DecisionEngine(1, 20, 10_000, SAFETY_STOP), validator);
    }

    /** The scenario files of a folder ({@code *.yaml}, {@code *.yml}), sorted. */
    public static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
    }

    public Run run(RuleSet ruleSet, Path file) throws IOException {
        return run(ruleSet, file.getFileName().toString(), Files.readString(file));
    }

    /** Runs a scenario given as YAML text. */
    public Run run(RuleSet ruleSet, String file, String yaml) {
        Scenario scenario;
        try {
            scenario = YAML.readValue(yaml, Scenario.class);
        } catch (JsonProcessingException e) {
            return new Run(file, file, List.of("cannot read scenario: " + io.nbo.config.FileErrors.describeAt(e)
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")")), null);
        }
        return run(ruleSet, file, scenario);
    }

    public Run run(RuleSet ruleSet, String file, Scenario s) {
        List<String> failures = new ArrayList<>();
        String title = s.name() == null ? file : s.name();
        if (s.now() == null || s.request() == null || s.expect() == null) {
            return new Run(file, title, List.of("a scenario needs 'now', 'request' and 'expect'"), null);
        }
        Channel channel = Channel.fromId(s.request().channel()).orElse(null);
        if (channel == null) {
            return new Run(file, title, List.of("request.channel must be one of " + Channel.ids()), null);
        }
        Customer customer;
        if (s.customer() == null) {
            customer = Customer.unknown("anonymous", s.now());
        } else {
            CustomerDataValidator.Checked checked = validator.check(s.customer().data());
            if (!checked.isValid()) {
                return new Run(file, title, List.of("invalid customer: " + checked.errors()), null);
            }
            List<String> bad = s.customer().history() == null ? List.of() : s.customer().history().stream()
                    .filter(c -> c.kind() == null || c.offer() == null || c.channel() == null || c.at() == null)
                    .map(c -> "each history entry needs kind, offer, channel and at").distinct().toList();
            if (!bad.isEmpty()) {
                return new Run(file, title, bad, null);
            }
            customer = new Customer(Objects.requireNonNullElse(s.customer().id(), "scenario"), true, checked.data(),
                    s.customer().contacts(), s.now());
        }
        var r = s.request();
        Request request = new Request(channel.id(), r.placement(), r.page(), r.device(), r.context());
        DecisionEngine.Outcome out = engine.decide(ruleSet, customer, request, channel, r.limit() == null ? 1 : r.limit(), s.now());

        // A rule set that loops, never ends or changes its session is caught here, before it is published.
        for (Decision.Notice n : out.notices()) {
            switch (n.code()) {
                case RULE_FIRING_LIMIT -> failures.add("the rules did not finish: " + n.message());
                case RULE_TIME_BUDGET -> failures.add("the machine is slow or the rules do not finish: stopped after "
                        + readable(engine.budget()) + ", " + out.firedRules().size() + " firings");
                case SESSION_DISCARDED -> failures.add("the rules changed their session: " + n.message());
                default -> { }
            }
        }
        List<String> ids = out.offers().stream().map(RankedOffer::offerId).toList();
        Scenario.Expect e = s.expect();
        String got = " (got " + ids + ")";
        if (e.top() != null && (ids.isEmpty() || !ids.get(0).equals(e.top()))) {
            failures.add("expected top offer " + e.top() + got);
        }
        if (e.includes() != null) {
            e.includes().stream().filter(id -> !ids.contains(id)).forEach(id -> failures.add("expected " + id + " among the offers" + got));
        }
        if (e.excludes() != null) {
            e.excludes().stream().filter(ids::contains).forEach(id -> failures.add("expected " + id + " not to be offered" + got));
        }
        if (Boolean.TRUE.equals(e.empty()) && !ids.isEmpty()) {
            failures.add("expected no offer" + got);
        }
        if (e.channel() != null) {
            String topChannel = out.offers().isEmpty() ? null : out.offers().get(0).channel();
            if (!e.channel().equals(topChannel)) {
                failures.add("expected the top offer on " + e.channel() + " (got " + topChannel + ")");
            }
        }
        if (e.preferredChannel() != null) {
            String preferred = out.preferredChannel() == null ? null : out.preferredChannel().id();
            if (!e.preferredChannel().equals(preferred)) {
                failures.add("expected preferred channel " + e.preferredChannel() + " (got " + preferred + ")");
            }
        }
        if (e.rules() != null) {
            List<String> topRules = out.offers().isEmpty() ? List.of() : out.offers().get(0).rules();
            e.rules().stream().filter(rule -> !topRules.contains(rule))
                    .forEach(rule -> failures.add("expected rule \"" + rule + "\" on the top offer (got " + topRules + ")"));
        }
        if (e.suppressed() != null) {
            List<String> sup = out.suppressed().stream().map(Suppression::offerId).toList();
            e.suppressed().stream().filter(id -> !sup.contains(id))
                    .forEach(id -> failures.add("expected " + id + " to be suppressed (suppressed: " + sup + ")"));
        }
        return new Run(file, title, failures, out);
    }

    private static String readable(java.time.Duration d) {
        return d.toMillis() % 1000 == 0 && !d.isZero() ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
