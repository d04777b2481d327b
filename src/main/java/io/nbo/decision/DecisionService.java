package io.nbo.decision;

import io.micrometer.core.instrument.MeterRegistry;
import io.nbo.config.NboConfig;
import io.nbo.context.CustomerContextRepository;
import io.nbo.context.RedisUnavailableException;
import io.nbo.context.StoredCustomer;
import io.nbo.decision.Decision.Notice;
import io.nbo.decision.Decision.RankedOffer;
import io.nbo.model.Channel;
import io.nbo.model.Customer;
import io.nbo.model.Request;
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
 * arbitration), then check the caps again and record what is served, atomically ({@link PolicyCommit}),
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
    private final PolicyCommit policies;
    private final DecisionMeters meters;
    private final Clock clock = Clock.systemUTC();

    public DecisionService(ActiveRuleSet rules, CustomerContextRepository customers, NboConfig config, MeterRegistry registry) {
        this.rules = rules;
        this.customers = customers;
        this.engine = new DecisionEngine(config.decision().priorClicks(), config.decision().priorTrials(), config.rules().maxFirings(),
                config.rules().timeBudget());
        this.meters = new DecisionMeters(registry);
        this.policies = new PolicyCommit(customers, meters, config.decision().recordFor(), config.events().reportTtl(),
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
        Instant historySince = ruleSet == null ? now : now.minus(ruleSet.policies().lookback());
        return load(ask.customerId(), historySince, now, continueOn)
                .thenCompose(loaded -> decide(ask, ruleSet, loaded, now, continueOn))
                .thenApply(decision -> {
                    record(decision, ask.channel(), start);
                    return decision;
                });
    }

    /** The customer and their journey, or why we decide without them. */
    private record Loaded(Customer customer, StoredCustomer.Journey journey, Notice notice, boolean degraded) {
    }

    private CompletionStage<Loaded> load(String customerId, Instant historySince, Instant now, Executor continueOn) {
        if (customerId == null) {
            return CompletableFuture.completedFuture(new Loaded(Customer.unknown(null, now), null,
                    new Notice("anonymous", "no customer id: decided on the request context alone"), false));
        }
        CompletionStage<StoredCustomer> read;
        try {
            read = customers.loadForDecision(customerId, historySince, continueOn);
        } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
        }
        return read.handle((stored, error) -> {
            if (error != null) {
                LOG.warnf("customer context unavailable, deciding without it: %s", logSafe(error));
                return new Loaded(Customer.unknown(customerId, now), null,
                        new Notice("context_unavailable", "customer data could not be read in time; decided on the request context alone"), true);
            }
            if (!stored.hasProfile()) {
                // A visitor known by id only: what their events stored (contacts, journey, cart, consent) still counts,
                // so suppressions and caps hold for them as for anyone.
                return new Loaded(new Customer(customerId, false, stored.data(), stored.history(), now), stored.journey(),
                        new Notice("unknown_customer", "no profile stored for this customer: decided on the request context, "
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
            notices.add(new Notice("no_rule_set", "no rule set has compiled yet; see /q/health"));
            return CompletableFuture.completedFuture(new Decision(id, ask.customerId(), ask.channel().id(), ask.placement(), null, now,
                    List.of(), null, true, loaded.degraded(), notices, List.of()));
        }
        Request request = new Request(ask.channel().id(), ask.placement(), ask.page(), ask.device(), ask.context());
        DecisionEngine.Outcome out;
        boolean rulesFailed = false;
        try {
            out = engine.decide(ruleSet, loaded.customer(), request, ask.channel(), ask.limit(), now, journeyOffer(loaded, ruleSet, now));
        } catch (RuntimeException e) {
            // A rule that throws must not turn into a 500 for the channel.
            // Without the message: a rule's exception can quote the customer's data.
            LOG.errorf(LogSafe.redact(e), "rule set %s failed to evaluate", ruleSet.version());
            notices.add(new Notice("rules_failed", "the rules failed to evaluate: " + RuleSet.failureReason(e)));
            out = DecisionEngine.Outcome.none();
            rulesFailed = true;
        }
        meters.rulesFired(out.firedRules().size());
        for (Decision.Suppression s : out.suppressed()) {
            if (s.policy() != null) {
                meters.suppressed(s.policy(), s.code());
            }
        }
        DecisionEngine.Outcome decided = out;
        boolean failed = rulesFailed;
        return policies.serve(ask.customerId(), !loaded.degraded(), ruleSet, id, ask.channel(), ask.limit(), now, decided)
                .thenCompose(served -> served.offers().isEmpty() ? withFallback(served, decided, ask, ruleSet, loaded, id, now)
                        : CompletableFuture.completedFuture(served))
                .thenApplyAsync(served -> {
                    List<Notice> all = new ArrayList<>(notices);
                    all.addAll(decided.notices());
                    all.addAll(served.notices());
                    List<Decision.Suppression> suppressed = new ArrayList<>(decided.suppressed());
                    suppressed.addAll(served.suppressed());
                    // Said here, not by the engine: only the commit knows what was served.
                    if (served.offers().isEmpty() || all.stream().anyMatch(n -> n.code().equals(DecisionEngine.FALLBACK_OFFER))) {
                        all.add(new Notice("no_eligible_offer", decided.candidates().isEmpty() && suppressed.isEmpty()
                                ? "no rule made an offer eligible for this customer and request"
                                : "every eligible offer was suppressed; see suppressed"));
                    }
                    boolean unchecked = all.stream().anyMatch(n -> n.code().equals(PolicyCommit.POLICY_UNCHECKED));
                    // Partial: decided without the customer's data, the rules failed, were cut short or changed their session,
                    // or the policies could not be checked.
                    boolean partial = loaded.notice() != null || failed || unchecked
                            || all.stream().anyMatch(n -> DecisionEngine.RULES_CUT_SHORT.contains(n.code()));
                    return new Decision(id, ask.customerId(), ask.channel().id(), ask.placement(), ruleSet.version(), now, served.offers(),
                            decided.preferredChannel() == null ? null : decided.preferredChannel().id(), partial, loaded.degraded() || unchecked,
                            all, suppressed);
                }, continueOn);
    }

    /**
     * Nothing could be served: the catalog's fallback offer, if it has one for this channel. While
     * the contact policies can be checked it is served like any offer (capped, recorded), in one more
     * commit; when they cannot (Redis down or too slow) it is served anyway, unrecorded. A fallback
     * that a contact policy already stopped in this decision is not tried again (it is listed once).
     */
    private CompletionStage<PolicyCommit.Served> withFallback(PolicyCommit.Served none, DecisionEngine.Outcome decided, Ask ask,
                                                            RuleSet ruleSet, Loaded loaded, String id, Instant now) {
        RankedOffer fallback = engine.fallback(ruleSet, loaded.customer(), ask.channel(), now);
        if (fallback == null) {
            return CompletableFuture.completedFuture(none);
        }
        Notice notice = new Notice(DecisionEngine.FALLBACK_OFFER, "nothing else could be served: the fallback offer " + fallback.offerId());
        boolean checkable = !loaded.degraded() && none.notices().stream().noneMatch(n -> n.code().equals(PolicyCommit.POLICY_UNCHECKED));
        if (!checkable) {
            return CompletableFuture.completedFuture(none.with(List.of(fallback), List.of(), List.of(notice)));
        }
        boolean stopped = java.util.stream.Stream.concat(decided.suppressed().stream(), none.suppressed().stream())
                .anyMatch(s -> s.offerId().equals(fallback.offerId()) && s.policy() != null);
        if (stopped) {
            return CompletableFuture.completedFuture(none);
        }
        return policies.serve(ask.customerId(), true, ruleSet, id, ask.channel(), 1, now, DecisionEngine.Outcome.only(fallback))
                .thenApply(served -> none.with(served.offers(), served.suppressed(),
                        served.offers().isEmpty() ? served.notices() : concat(served.notices(), notice)));
    }

    private static <T> List<T> concat(List<T> a, T b) {
        List<T> all = new ArrayList<>(a);
        all.add(b);
        return all;
    }

    private void record(Decision decision, Channel channel, long start) {
        DecisionMeters.Outcome outcome = decision.degraded() || decision.reasons().stream().anyMatch(n ->
                n.code().equals("rules_failed") || n.code().equals("no_rule_set")) ? DecisionMeters.Outcome.DEGRADED
                : decision.partial() ? DecisionMeters.Outcome.PARTIAL : DecisionMeters.Outcome.OK;
        meters.latency(channel, outcome, System.nanoTime() - start);
        for (RankedOffer offer : decision.offers()) {
            meters.served(offer.offerId(), offer.channel());
        }
    }

    /** A Redis failure's message (ours: address and Lettuce's reason); of anything else, such as stored data that does not decode, only the classes. */
    private static String logSafe(Throwable error) {
        Throwable t = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
        return t instanceof RedisUnavailableException ? t.getMessage() : LogSafe.describe(t);
    }
}
