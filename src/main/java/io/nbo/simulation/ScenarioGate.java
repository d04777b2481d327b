package io.nbo.simulation;

import io.nbo.config.NboConfig;
import io.nbo.context.CustomerDataValidator;
import io.nbo.decision.DecisionEngine;
import io.nbo.rules.RuleSet;
import io.nbo.rules.RuleSetCompiler;
import io.nbo.rules.RuleSetGate;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Gates every publish on the marketers' scenario files that come with the rule set. */
@ApplicationScoped
public class ScenarioGate implements RuleSetGate {

    private final ScenarioRunner runner;

    public ScenarioGate(NboConfig config, CustomerDataValidator validator) {
        this.runner = new ScenarioRunner(new DecisionEngine(config.decision().priorClicks(), config.decision().priorTrials(),
                config.rules().maxFirings(), ScenarioRunner.SAFETY_STOP), validator);
    }

    @Override
    public List<String> failures(RuleSet candidate, Map<String, String> files) {
        List<String> failures = new ArrayList<>();
        files.forEach((name, text) -> {
            if (name.startsWith(RuleSetCompiler.TESTS)) {
                ScenarioRunner.Run run = runner.run(candidate, name, text);
                run.failures().forEach(f -> failures.add(name + " (" + run.name() + "): " + f));
            }
        });
        return failures;
    }
}
