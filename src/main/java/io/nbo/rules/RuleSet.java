package io.nbo.rules;

import io.nbo.learning.ModelSpec;
import io.nbo.model.Customer;
import io.nbo.model.Request;
import io.nbo.model.Result;
import io.nbo.offers.OfferCatalog;
import io.nbo.policy.ContactPolicies;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.kie.api.KieBase;

/**
 * One compiled, immutable version of the rules folder: the DRL knowledge base, the offer catalog, the contact policies
 * and the learning settings,
 * identified by a hash of their content. Safe to share between threads: each evaluation has a
 * {@link ResidentSession} to itself, which later evaluations reuse.
 */
public final class RuleSet {

    /**
     * What one evaluation produced: the rules' result, which rules fired in order, whether a limit cut it
     * short, and whether the rules changed the facts the session keeps between decisions (deleted,
     * replaced or added one), so that the session was discarded.
     */
    public record Evaluation(Result result, List<String> firedRules, boolean firingLimitReached, boolean timeBudgetExceeded,
                             boolean sessionChanged) {
    }

    /** Why a session was disposed of after a decision instead of serving the next one; {@link #tag} is the meter's. */
    enum Discard {
        INTEGRITY("integrity"), BUDGET("budget"), FIRING_LIMIT("firing_limit"), ERROR("error");

        final String tag;

        Discard(String tag) {
            this.tag = tag;
        }
    }

    private final String version;
    private final KieBase kieBase;
    private final OfferCatalog catalog;
    private final ContactPolicies policies;
    private final ModelSpec models;
    private final List<String> files;
    private final int ruleCount;
    private final Instant compiledAt;
    /** Sessions not in use; one per thread that decides at once is enough, and the rest are disposed. */
    private final ConcurrentLinkedDeque<ResidentSession> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private static final int MAX_IDLE = 2 * Runtime.getRuntime().availableProcessors() + 2;
    /** Quarkus runs two event loops per core by default, and decisions run on them. */
    private static final int WARM_SESSIONS = 2 * Runtime.getRuntime().availableProcessors();
    private volatile Consumer<Discard> discards = discard -> { };
    private LongSupplier nanoTime = System::nanoTime;

    RuleSet(String version, KieBase kieBase, OfferCatalog catalog, ContactPolicies policies, ModelSpec models, List<String> files,
            Instant compiledAt) {
        this.version = version;
        this.kieBase = kieBase;
        this.catalog = catalog;
        this.policies = policies;
        this.models = models;
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
    /** The learning settings ({@code models.yaml}): declared predictors and exploration per placement. */
    public ModelSpec models() {
        return models;
    }

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
     * It is also the first check that the rules finish at all. It does so in as many sessions as
     * there can be threads deciding at once, so that none of them builds its session during a request.
     *
     * <p>The verdict is on firings: a run that reaches {@code maxFirings} loops. Time only stops a run
     * that would otherwise never end; a run that finishes passes however long a busy machine made it take.
     *
     * @param safetyStop wall time after which a run is stopped and reported as unfinished
     * @return one line per channel on which the rules did not finish or changed the session; empty when all did well
     */
    public List<String> warmUp(int maxFirings, java.time.Duration safetyStop) {
        Instant now = Instant.now();
        List<String> unfinished = new ArrayList<>();
        List<ResidentSession> warmed = new ArrayList<>();
        try {
            for (int i = 0; i < WARM_SESSIONS && unfinished.isEmpty(); i++) {
                ResidentSession session = new ResidentSession(kieBase, catalog, now);
                warmed.add(session);
                for (io.nbo.model.Channel channel : io.nbo.model.Channel.values()) {
                    Evaluation e = session.evaluate(Customer.unknown("warm-up", now),
                            new Request(channel.id(), null, null, null, java.util.Map.of()), maxFirings, safetyStop, nanoTime);
                    String visitor = " for an unknown visitor on " + channel.id() + ": ";
                    if (e.firingLimitReached()) {
                        unfinished.add("the rules do not finish" + visitor + "stopped after " + maxFirings + " firings (a rule that triggers itself?)");
                    } else if (e.timeBudgetExceeded()) {
                        unfinished.add("the machine is slow or the rules do not finish" + visitor + "stopped after " + readable(safetyStop)
                                + ", " + e.firedRules().size() + " firings");
                    } else if (e.sessionChanged()) {
                        unfinished.add("the rules change the session" + visitor + "a rule deleted, replaced or inserted a fact");
                    }
                }
            }
        } finally {
            for (ResidentSession session : warmed) {
                if (unfinished.isEmpty()) {
                    giveBack(session, now);
                } else {
                    session.dispose();
                }
            }
        }
        return unfinished;
    }

    /** A duration as a person reads it: {@code 30 s}, {@code 250 ms}. */
    static String readable(java.time.Duration d) {
        return d.toMillis() % 1000 == 0 && !d.isZero() ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** The same, with no time budget beyond the firing limit. */
    public Evaluation evaluate(Customer customer, Request request, Instant now, int maxFirings) {
        return evaluate(customer, request, now, maxFirings, java.time.Duration.ofDays(1));
    }

    /**
     * Runs the rules over one customer and request, with the offers valid at {@code now}, in a
     * resident session taken from this rule set's idle ones (or a new one).
     *
     * @param maxFirings rule firings allowed before evaluation stops (a guard against rules that loop)
     * @param budget     time allowed for the evaluation, from inserting the customer and the request
     *                   (whose conditions are evaluated first) to the last firing; matches still pending
     *                   after it are not fired
     */
    public Evaluation evaluate(Customer customer, Request request, Instant now, int maxFirings, java.time.Duration budget) {
        ResidentSession session = take(now);
        Discard discard = Discard.ERROR;
        try {
            Evaluation e = session.evaluate(customer, request, maxFirings, budget, nanoTime);
            discard = e.sessionChanged() ? Discard.INTEGRITY : e.timeBudgetExceeded() ? Discard.BUDGET
                    : e.firingLimitReached() ? Discard.FIRING_LIMIT : null;
            return e;
        } finally {
            // A session whose rules threw, were cut short or changed its facts is not trusted with another decision.
            if (discard == null) {
                giveBack(session, now);
            } else {
                session.dispose();
                discards.accept(discard);
            }
        }
    }

    /** Tells {@code listener} of every session disposed of after a decision, and why (the registry counts them). */
    void onDiscard(Consumer<Discard> listener) {
        this.discards = listener;
    }

    /** Measures budgets on {@code nanoTime} instead of {@link System#nanoTime()}: a test's slow machine. Call before any evaluation. */
    void measureTimeWith(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** How many sessions wait for the next decisions. */
    int idleSessions() {
        return idleCount.get();
    }

    private ResidentSession take(Instant now) {
        for (ResidentSession s : idle) {
            if (s.holdsOffersOf(now) && idle.remove(s)) {
                idleCount.decrementAndGet();
                return s;
            }
        }
        return new ResidentSession(kieBase, catalog, now);
    }

    private void giveBack(ResidentSession session, Instant now) {
        for (ResidentSession s : idle) {
            if (s.expiredAt(now) && idle.remove(s)) {
                idleCount.decrementAndGet();
                s.dispose();
            }
        }
        if (idleCount.incrementAndGet() <= MAX_IDLE) {
            idle.addFirst(session);
        } else {
            idleCount.decrementAndGet();
            session.dispose();
        }
    }

    /**
     * Why an evaluation failed, for the caller: a rule's own misuse of the result ({@code boost} with a
     * negative factor) in the marketer's terms; anything else by the rule it happened in, when known,
     * never by the Java error (it may quote the customer's data, and says nothing to a channel).
     */
    public static String failureReason(Throwable error) {
        String rule = null;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IllegalArgumentException ours && ours.getMessage() != null && ours.getMessage().startsWith("rule \"")) {
                return ours.getMessage();
            }
            if (rule == null && t instanceof org.kie.api.runtime.rule.ConsequenceException c && c.getMatch() != null && c.getMatch().getRule() != null) {
                rule = c.getMatch().getRule().getName();
            }
        }
        return rule == null ? "a rule failed on this customer's data or this request"
                : "rule \"" + rule + "\" failed on this customer's data or this request";
    }
}
