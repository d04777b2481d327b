package io.nbo.health;

import io.nbo.rules.ActiveRuleSet;
import io.nbo.rules.FolderPublisher;
import io.nbo.rules.RuleSet;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when a rule set is active; reports its version and the last refused change, if any. */
@Readiness
@ApplicationScoped
public class RuleSetHealthCheck implements HealthCheck {

    private final ActiveRuleSet active;
    private final FolderPublisher folder;

    public RuleSetHealthCheck(ActiveRuleSet active, FolderPublisher folder) {
        this.active = active;
        this.folder = folder;
    }

    @Override
    public HealthCheckResponse call() {
        RuleSet current = active.current();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("rule-set").status(current != null)
                .withData("folder", folder.dir().toString());
        if (current != null) {
            b.withData("version", current.version()).withData("rules", current.ruleCount()).withData("offers", current.catalog().size());
        }
        ActiveRuleSet.Failure failure = active.lastFailure();
        if (failure != null) {
            String first = !failure.errors().isEmpty() ? failure.errors().get(0).toString()
                    : !failure.testFailures().isEmpty() ? failure.testFailures().get(0) : "refused";
            b.withData("lastError", first).withData("lastErrorCount", failure.errors().size() + failure.testFailures().size());
        }
        return b.build();
    }
}
