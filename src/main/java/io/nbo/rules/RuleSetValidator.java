package io.nbo.rules;

import io.nbo.model.SourceError;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Checks a candidate rule set without publishing it: it compiles, its rules finish, its scenario tests pass. */
@ApplicationScoped
public class RuleSetValidator {

    /**
     * Limits of the warm-up run every new rule set gets. The firing limit decides whether the rules
     * loop; the wall clock only stops a run that would never end, since a time budget (1 s, then 5 s)
     * refused valid rule sets on a crowded 2-core machine (load-tests/README.md).
     */
    static final int WARM_UP_FIRINGS = 10_000;
    static final Duration WARM_UP_SAFETY_STOP = Duration.ofSeconds(30);

    /** What checking a candidate found: its compiled rule set when valid, else its errors and failing tests. */
    public record Validation(String version, RuleSet ruleSet, List<SourceError> errors, List<String> testFailures) {
        public boolean isValid() {
            return ruleSet != null && errors.isEmpty() && testFailures.isEmpty();
        }
    }

    private final RuleSetCompiler compiler;
    private final RuleSetGate gate;
    private final RuleSetMeters meters;

    public RuleSetValidator(RuleSetCompiler compiler, RuleSetGate gate, RuleSetMeters meters) {
        this.compiler = compiler;
        this.gate = gate;
        this.meters = meters;
    }

    /**
     * Compiles and checks a candidate.
     *
     * @param files DRL files and {@code offers.yaml} by name, and optionally scenario files as {@code tests/<name>}
     */
    public Validation validate(Map<String, String> files) {
        String version = RuleSetCompiler.versionOf(files);
        long start = System.nanoTime();
        try {
            RuleSet candidate = compiler.compile(files);
            List<String> failures = new ArrayList<>(candidate.warmUp(WARM_UP_FIRINGS, WARM_UP_SAFETY_STOP));
            failures.addAll(gate.failures(candidate, files));
            return new Validation(version, candidate, List.of(), failures);
        } catch (InvalidRuleSetException e) {
            return new Validation(version, null, e.errors(), List.of());
        } finally {
            meters.compiled(System.nanoTime() - start);
        }
    }

    /** Checks the rules of a stored version, leaving out its scenarios: they gated its publish. */
    Validation validateRules(Map<String, String> files) {
        Map<String, String> rules = new TreeMap<>();
        files.forEach((name, text) -> {
            if (RuleSetCompiler.isRuleFile(name)) {
                rules.put(name, text);
            }
        });
        return validate(rules);
    }
}
