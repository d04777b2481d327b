package io.nbo.health;

import io.nbo.rules.RuleSet;
import io.nbo.rules.RuleSetRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when a rule set is active; reports its version and the last refused change, if any. */
@Readiness
@ApplicationScoped
public class RuleSetHealthCheck implements HealthCheck {

    private final RuleSetRegistry registry;

    public RuleSetHealthCheck(RuleSetRegistry registry) {
        this.registry = registry;
    }

    @Override
    public HealthCheckResponse call() {
        RuleSet active = registry.active();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("rule-set").status(active != null)
                .withData("folder", registry.dir().toString());
        if (active != null) {
            b.withData("version", active.version()).withData("rules", active.ruleCount()).withData("offers", active.catalog().size());
        }
        RuleSetRegistry.Failure failure = registry.lastFailure();
        if (failure != null) {
            String first = !failure.errors().isEmpty() ? failure.errors().get(0).toString()
                    : !failure.testFailures().isEmpty() ? failure.testFailures().get(0) : "refused";
            b.withData("lastError", first).withData("lastErrorCount", failure.errors().size() + failure.testFailures().size());
        }
        return b.build();
    }
}
