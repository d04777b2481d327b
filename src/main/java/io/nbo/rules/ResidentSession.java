package io.nbo.rules;

import io.nbo.model.Customer;
import io.nbo.model.Offer;
import io.nbo.model.Request;
import io.nbo.model.Result;
import io.nbo.offers.OfferCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.drools.core.common.InternalWorkingMemory;
import org.kie.api.KieBase;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.EntryPoint;
import org.kie.api.runtime.rule.FactHandle;

/**
 * A Drools session that stays up between decisions, used by one thread at a time. It holds the
 * {@link Result} fact and the offers valid in one span of time; a decision inserts its customer and
 * request, fires, and deletes them again.
 *
 * <p>Why: a new session per decision builds the memory of every rule, since every rule joins
 * {@code Result} and the offers; that made a decision's cost grow with the size of the rule set
 * (38 ms at 10,000 rules). Here that memory is built once, and a decision only reaches the rules whose
 * conditions on the customer and the request hold. It relies on every rule matching the customer or
 * the request, which {@link RuleSetCompiler} ensures, so nothing fires on the resident facts alone,
 * and on rules not changing the session ({@link io.nbo.rules.sandbox.DrlSandbox} refuses {@code insert} and the like), so
 * a decision leaves nothing behind. Since rules are untrusted, every decision checks the latter
 * afterwards ({@link RuleSet.Evaluation#sessionChanged()}): a session that no longer holds exactly
 * its result and offers must not serve another decision.
 */
final class ResidentSession {

    private final KieSession session;
    private final InternalWorkingMemory memory;
    private final Result result = new Result();
    private final FactHandle resultHandle;
    private final Offer[] offers;
    private final FactHandle[] offerHandles;
    private final EntryPoint[] entryPoints;
    private final long residentFacts;
    private final List<String> fired = new ArrayList<>();
    private final OfferCatalog.Span span;

    ResidentSession(KieBase kieBase, OfferCatalog catalog, Instant now) {
        this.span = catalog.sameOffersAround(now);
        this.session = kieBase.newKieSession();
        this.memory = (InternalWorkingMemory) session;
        session.addEventListener(new DefaultAgendaEventListener() {
            @Override
            public void beforeMatchFired(BeforeMatchFiredEvent event) {
                String rule = event.getMatch().getRule().getName();
                fired.add(rule);
                result.firing(rule);
            }
        });
        this.resultHandle = session.insert(result);
        this.offers = catalog.validAt(now).toArray(Offer[]::new);
        this.offerHandles = new FactHandle[offers.length];
        for (int i = 0; i < offers.length; i++) {
            offerHandles[i] = session.insert(offers[i]);
        }
        // The entry points are those of the knowledge base, fixed for the session's life.
        this.entryPoints = session.getEntryPoints().toArray(EntryPoint[]::new);
        int early = session.fireAllRules();
        if (early != 0) {
            session.dispose();
            throw new IllegalStateException(early + " rule(s) fired on the offers alone: " + fired
                    + "; every rule must match the customer or the request");
        }
        this.residentFacts = factCount();
    }

    /** Whether this session holds the offers valid at {@code now}. */
    boolean holdsOffersOf(Instant now) {
        return span.contains(now);
    }

    /** Whether this session's offers are out of date for good at {@code now}. */
    boolean expiredAt(Instant now) {
        return !now.isBefore(span.until());
    }

    /**
     * @param budget  time for the whole evaluation, the conditions on the customer and the request included
     * @param nanoTime the clock the budget is measured on ({@link System#nanoTime()} but in tests)
     */
    RuleSet.Evaluation evaluate(Customer customer, Request request, int maxFirings, Duration budget, LongSupplier nanoTime) {
        fired.clear();
        long deadline = nanoTime.getAsLong() + budget.toNanos();
        FactHandle c = session.insert(customer);
        FactHandle r = session.insert(request);
        int count = 0;
        boolean[] late = {false};
        try {
            // Drools queues inserts and only evaluates their conditions when rules fire, where the deadline
            // is checked between firings alone; evaluating them here first lets a slow condition stop the
            // decision before anything fires.
            memory.flushPropagations();
            if (nanoTime.getAsLong() - deadline >= 0) {
                late[0] = true;
            } else {
                count = session.fireAllRules(match -> {
                    if (nanoTime.getAsLong() - deadline < 0) {
                        return true;
                    }
                    late[0] = true;
                    return false;
                }, maxFirings);
            }
        } finally {
            // Every pending match needs one of these two, so deleting them leaves nothing to fire.
            session.delete(c);
            session.delete(r);
            // Done now, so what was derived from them is gone before the check below, and the next decision does not pay for it.
            memory.flushPropagations();
        }
        return new RuleSet.Evaluation(result.handOver(), List.copyOf(fired), count >= maxFirings, late[0], !intact());
    }

    /**
     * Whether the session holds exactly what it was built with: as many facts, the result and every
     * offer still there, each the same object under its own handle. A lookup per resident fact, no
     * walk over the session.
     */
    private boolean intact() {
        if (factCount() != residentFacts || session.getObject(resultHandle) != result) {
            return false;
        }
        for (int i = 0; i < offers.length; i++) {
            if (session.getObject(offerHandles[i]) != offers[i]) {
                return false;
            }
        }
        return true;
    }

    private long factCount() {
        long facts = 0;
        for (EntryPoint entryPoint : entryPoints) {
            facts += entryPoint.getFactCount();
        }
        return facts;
    }

    void dispose() {
        session.dispose();
    }
}
