package io.nbo.decision;

import io.micrometer.core.instrument.MeterRegistry;
import io.nbo.config.NboConfig;
import io.nbo.context.CustomerContextRepository;
import io.nbo.context.StoredCustomer;
import io.nbo.decision.Decision.Notice;
import io.nbo.decision.Decision.RankedOffer;
import io.nbo.learning.LearningService;
import io.nbo.model.Channel;
import io.nbo.model.Customer;
import io.nbo.model.Request;
import io.nbo.config.StoreUnavailableException;
import io.nbo.rules.ActiveRuleSet;
import io.nbo.rules.RuleSet;
import io.nbo.security.LogSafe;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jboss.logging.Logger;

/**
 * A decision from request to answer: take the active rule-set snapshot, load the customer's context
 * and contact history in one Redis round trip, run the engine (rules, channel and contact policies,
 * arbitration), then check the caps again and record what is served, atomically ({@link DecisionCommit}),
 * and count it. It never fails: without Redis or rules it still answers, marked partial, and says why.
 */
@ApplicationScoped
public class DecisionService {

    private static final Logger LOG = Logger.getLogger(DecisionService.class);

    /** What a caller asks for, already validated. */
    public record Ask(String customerId, Channel channel, String placement, String page, String device, int limit,
                      java.util.Map<String, Object> context) {
    }

    private final ActiveRuleSet rules;
    private final CustomerContextRepository customers;
    private final DecisionEngine engine;
    private final DecisionCommit commit;
    private final DecisionMeters meters;
    private final Clock clock = Clock.systemUTC();

    public DecisionService(ActiveRuleSet rules, CustomerContextRepository customers, LearningService learning, NboConfig config,
                           MeterRegistry registry) {
        this.rules = rules;
        this.customers = customers;
        EngagementPropensity formula = new EngagementPropensity(config.decision().priorClicks(), config.decision().priorTrials());
        Propensity propensity = learning.enabled()
                ? new LearnedPropensity(learning::current, formula, config.learning().priorStrength()) : formula;
        this.engine = new DecisionEngine(new Arbitration(propensity, formula, config.learning().choiceDraws()), config.rules().maxFirings(),
                config.rules().timeBudget());
        this.meters = new DecisionMeters(registry);
        this.commit = new DecisionCommit(customers, meters, config.decision().recordFor(), config.events().reportTtl(),
                config.events().contactRetention());
    }

    /**
     * Decides for one request.
     *
     * @param continueOn where the work after each Redis reply runs (the caller's event loop): decoding the
     *                   context, the rules, building the answer; the connection's one I/O thread only reads
     *                   replies, and never evaluates rules
     */
    public CompletionStage<Decision> decide(Ask ask, Executor continueOn) {
        long start = System.nanoTime();
        RuleSet ruleSet = rules.current();
        Instant now = clock.instant();
        return load(ask.customerId(), historySince(ruleSet, now), now, continueOn)
                .thenCompose(loaded -> decide(ask, ruleSet, loaded, now, continueOn))
                .thenApply(decision -> {
                    record(decision, ask.channel(), start);
                    return decision;
                });
    }

    /**
     * A decision's read of the customer's context, and nothing after it (no rules, policies or commit): the
     * same call, with the contact history the active policies look back on. For {@code /bench/floor}.
     */
    public CompletionStage<StoredCustomer> readContext(String customerId, Executor continueOn) {
        Instant now = clock.instant();
        return read(customerId, historySince(rules.current(), now), continueOn);
    }

    private static Instant historySince(RuleSet ruleSet, Instant now) {
        return ruleSet == null ? now : now.minus(ruleSet.policies().lookback());
    }

    private CompletionStage<StoredCustomer> read(String customerId, Instant historySince, Executor continueOn) {
        try {
            return customers.loadForDecision(customerId, historySince, continueOn);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The customer and their journey, or why we decide without them. */
    private record Loaded(Customer customer, StoredCustomer.Journey journey, Notice notice, boolean degraded) {
    }

    private CompletionStage<Loaded> load(String customerId, Instant historySince, Instant now, Executor continueOn) {
        if (customerId == null) {
            return CompletableFuture.completedFuture(new Loaded(Customer.unknown(null, now), null,
                    new Notice(Reason.ANONYMOUS, "no customer id: decided on the request context alone"), false));
        }
        return read(customerId, historySince, continueOn).handle((stored, error) -> {
            if (error != null) {
                LOG.warnf("customer context unavailable, deciding without it: %s", logSafe(error));
                return new Loaded(Customer.unknown(customerId, now), null,
                        new Notice(Reason.CONTEXT_UNAVAILABLE, "customer data could not be read in time; decided on the request context alone"), true);
            }
            if (!stored.hasProfile()) {
                // A visitor known by id only: what their events stored (contacts, journey, cart, consent) still counts,
                // so suppressions and caps hold for them as for anyone.
                return new Loaded(new Customer(customerId, false, stored.data(), stored.history(), now), stored.journey(),
                        new Notice(Reason.UNKNOWN_CUSTOMER, "no profile stored for this customer: decided on the request context, "
                                + "with their contact history, journey and cart"), false);
            }
            return new Loaded(new Customer(customerId, true, stored.data(), stored.history(), now), stored.journey(), null, false);
        });
    }

    /**
     * The journey's top offer while it holds: within the window, and not responded to since
     * (a response lets the customer move on to the next best offer).
     */
    private static String journeyOffer(Loaded loaded, RuleSet ruleSet, Instant now) {
        StoredCustomer.Journey j = loaded.journey();
        if (j == null || !j.since().plus(ruleSet.policies().journeyWindow()).isAfter(now)) {
            return null;
        }
        boolean responded = loaded.customer().history().count(c -> c.offerId().equals(j.offerId()) && !c.kind().equals("served")
                && !c.kind().equals("pending") && !c.kind().equals("impression"), j.since()) > 0;
        return responded ? null : j.offerId();
    }

    private CompletionStage<Decision> decide(Ask ask, RuleSet ruleSet, Loaded loaded, Instant now, Executor continueOn) {
        String id = UUID.randomUUID().toString();
        List<Notice> notices = new ArrayList<>();
        if (loaded.notice() != null) {
            notices.add(loaded.notice());
        }
        if (ruleSet == null) {
            notices.add(new Notice(Reason.NO_RULE_SET, "no rule set has compiled yet; see /q/health"));
            return CompletableFuture.completedFuture(answer(id, ask, null, now, List.of(), null, notices, List.of()));
        }
        // Rules → policies → arbitration, with no I/O.
        Request request = new Request(ask.channel().id(), ask.placement(), ask.page(), ask.device(), ask.context());
        DecisionEngine.Outcome out;
        try {
            out = engine.decide(ruleSet, loaded.customer(), request, ask.channel(), ask.limit(), now, journeyOffer(loaded, ruleSet, now), true);
        } catch (RuntimeException e) {
            // A rule that throws must not turn into a 500 for the channel.
            // Without the message: a rule's exception can quote the customer's data.
            LOG.errorf(LogSafe.redact(e), "rule set %s failed to evaluate", ruleSet.version());
            notices.add(new Notice(Reason.RULES_FAILED, "the rules failed to evaluate: " + RuleSet.failureReason(e)));
            out = engine.fallbackOnly(ruleSet, loaded.customer(), request, ask.channel(), now);
        }
        meters.rulesFired(out.firedRules().size());
        for (Decision.Suppression s : out.suppressed()) {
            if (s.policy() != null) {
                meters.suppressed(s.policy(), s.code());
            }
        }
        notices.addAll(out.notices());
        DecisionEngine.Outcome decided = out;
        // The commit: caps checked again and what is served recorded, atomically; then the answer.
        return commit.serve(ask.customerId(), !loaded.degraded(), ruleSet, id, ask.channel(), now, decided.ranking())
                .thenApplyAsync(served -> {
                    List<Notice> all = new ArrayList<>(notices);
                    all.addAll(served.notices());
                    List<Decision.Suppression> suppressed = new ArrayList<>(decided.suppressed());
                    suppressed.addAll(served.suppressed());
                    // Said here, not by the engine: only the commit knows what was served.
                    Arbitration.Choice fallback = served.offers().stream().filter(c -> c.candidate().fallback()).findFirst().orElse(null);
                    if (fallback != null) {
                        all.add(new Notice(Reason.FALLBACK_OFFER, "nothing else could be served: the fallback offer " + fallback.candidate().offerId()));
                    }
                    if (served.offers().isEmpty() || fallback != null) {
                        all.add(new Notice(Reason.NO_ELIGIBLE_OFFER, decided.ranking().eligible().isEmpty() && suppressed.isEmpty()
                                ? "no rule made an offer eligible for this customer and request"
                                : "every eligible offer was suppressed; see suppressed"));
                    }
                    return answer(id, ask, ruleSet.version(), now, Arbitration.Ranking.ranked(served.offers()), decided.preferredChannel(),
                            all, suppressed);
                }, continueOn);
    }

    /** The answer: partial and degraded follow from its reasons. */
    private static Decision answer(String id, Ask ask, String version, Instant now, List<RankedOffer> offers, Channel preferred,
                                   List<Notice> reasons, List<Decision.Suppression> suppressed) {
        boolean partial = reasons.stream().anyMatch(n -> n.code().makesPartial());
        boolean degraded = reasons.stream().anyMatch(n -> n.code().makesDegraded());
        return new Decision(id, ask.customerId(), ask.channel().id(), ask.placement(), version, now, offers,
                preferred == null ? null : preferred.id(), partial, degraded, reasons, suppressed);
    }

    private void record(Decision decision, Channel channel, long start) {
        DecisionMeters.Outcome outcome = decision.reasons().stream().anyMatch(n -> n.code().countsDegraded()) ? DecisionMeters.Outcome.DEGRADED
                : decision.partial() ? DecisionMeters.Outcome.PARTIAL : DecisionMeters.Outcome.OK;
        meters.latency(channel, outcome, System.nanoTime() - start);
        for (RankedOffer offer : decision.offers()) {
            meters.served(offer.offerId(), offer.channel());
        }
    }

    /** A Redis failure's message (ours: address and Lettuce's reason); of anything else, such as stored data that does not decode, only the classes. */
    private static String logSafe(Throwable error) {
        Throwable t = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
        return t instanceof StoreUnavailableException ? t.getMessage() : LogSafe.describe(t);
    }
}
