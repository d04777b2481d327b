package io.nbo.rules;

import io.nbo.model.Customer;
import io.nbo.model.Offer;
import io.nbo.model.Request;
import io.nbo.model.Result;
import io.nbo.offers.OfferCatalog;
import io.nbo.policy.ContactPolicies;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.kie.api.KieBase;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.runtime.KieSession;

/**
 * One compiled, immutable version of the rules folder: the DRL knowledge base, the offer catalog and the contact policies,
 * identified by a hash of their content. Safe to share between threads; each evaluation gets its own
 * session, always disposed.
 */
public final class RuleSet {

    /** What one evaluation produced: the rules' result, which rules fired in order, and whether a limit cut it short. */
    public record Evaluation(Result result, List<String> firedRules, boolean firingLimitReached, boolean timeBudgetExceeded) {
    }

    private final String version;
    private final KieBase kieBase;
    private final OfferCatalog catalog;
    private final ContactPolicies policies;
    private final List<String> files;
    private final int ruleCount;
    private final Instant compiledAt;

    RuleSet(String version, KieBase kieBase, OfferCatalog catalog, ContactPolicies policies, List<String> files, Instant compiledAt) {
        this.version = version;
        this.kieBase = kieBase;
        this.catalog = catalog;
        this.policies = policies;
        this.files = List.copyOf(files);
        this.ruleCount = kieBase.getKiePackages().stream().mapToInt(p -> p.getRules().size()).sum();
        this.compiledAt = compiledAt;
    }

    /** Content hash of the DRL files and the catalog (12 hex characters). */
    public String version() {
        return version;
    }

    public OfferCatalog catalog() {
        return catalog;
    }

    /** The contact policies of {@code policies.yaml}; {@link ContactPolicies#NONE} when the folder has none. */
    public ContactPolicies policies() {
        return policies;
    }

    /** The DRL and catalog file names this version was compiled from. */
    public List<String> files() {
        return files;
    }

    public int ruleCount() {
        return ruleCount;
    }

    public Instant compiledAt() {
        return compiledAt;
    }

    /**
     * Runs the rules once for an unknown visitor on every channel, so that Drools' one-time work
     * (compiling constraints on first use) is done before the first real decision, not during it.
     * It is also the first check that the rules finish at all.
     *
     * @return one line per channel on which the rules did not finish within the limits; empty when all did
     */
    public List<String> warmUp(int maxFirings, java.time.Duration budget) {
        Instant now = Instant.now();
        List<String> unfinished = new ArrayList<>();
        for (io.nbo.model.Channel channel : io.nbo.model.Channel.values()) {
            Evaluation e = evaluate(Customer.unknown("warm-up", now), new Request(channel.id(), null, null, null, java.util.Map.of()),
                    now, maxFirings, budget);
            if (e.firingLimitReached() || e.timeBudgetExceeded()) {
                unfinished.add("the rules do not finish for an unknown visitor on " + channel.id() + ": "
                        + (e.firingLimitReached() ? "stopped after " + maxFirings + " firings" : "stopped after " + budget.toMillis() + " ms")
                        + " (a rule that triggers itself?)");
            }
        }
        return unfinished;
    }

    /** The same, with no time budget beyond the firing limit. */
    public Evaluation evaluate(Customer customer, Request request, Instant now, int maxFirings) {
        return evaluate(customer, request, now, maxFirings, java.time.Duration.ofDays(1));
    }

    /**
     * Runs the rules over one customer and request, with the offers valid at {@code now}.
     *
     * @param maxFirings rule firings allowed before evaluation stops (a guard against rules that loop)
     * @param budget     time allowed for firing rules; matches still pending after it are not fired
     */
    public Evaluation evaluate(Customer customer, Request request, Instant now, int maxFirings, java.time.Duration budget) {
        Result result = new Result();
        List<String> fired = new ArrayList<>();
        KieSession session = kieBase.newKieSession();
        try {
            session.addEventListener(new DefaultAgendaEventListener() {
                @Override
                public void beforeMatchFired(BeforeMatchFiredEvent event) {
                    String rule = event.getMatch().getRule().getName();
                    fired.add(rule);
                    result.firing(rule);
                }
            });
            session.insert(result);
            session.insert(customer);
            session.insert(request);
            for (Offer offer : catalog.validAt(now)) {
                session.insert(offer);
            }
            long deadline = System.nanoTime() + budget.toNanos();
            boolean[] late = {false};
            int count = session.fireAllRules(match -> {
                if (System.nanoTime() < deadline) {
                    return true;
                }
                late[0] = true;
                return false;
            }, maxFirings);
            return new Evaluation(result, fired, count >= maxFirings, late[0]);
        } finally {
            session.dispose();
        }
    }
}
