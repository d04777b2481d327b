package io.nbo.decision;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.nbo.context.CustomerContextRepository;
import io.nbo.context.CustomerContextRepository.CapCheck;
import io.nbo.decision.Arbitration.Candidate;
import io.nbo.decision.Arbitration.Choice;
import io.nbo.decision.Arbitration.Option;
import io.nbo.decision.Arbitration.Ranking;
import io.nbo.decision.Decision.Notice;
import io.nbo.decision.Decision.Suppression;
import io.nbo.model.Channel;
import io.nbo.policy.ContactPolicies;
import io.nbo.policy.Suppressed;
import io.nbo.rules.RuleSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The commit of a decision: take servings of global caps, then check the customer's caps again and
 * record what is served, the decision and the journey in one atomic script, in the arbitration's
 * order ({@link Ranking#select}'s rule: the first {@code limit}, one per group, the fallback alone);
 * give back global servings that were not used. It does not rank. It never fails: when Redis cannot
 * be reached or answers too late, it serves only offers that no cap covers (or the fallback), and
 * says so, so that a cap holds exactly even then (a commit that timed out may still have been applied).
 */
final class DecisionCommit {

    /** The offers served, in order, what the policies stopped on the way, and notices. */
    record Served(List<Choice> offers, List<Suppression> suppressed, List<Notice> notices) {
    }

    /** What taking the global caps' servings gave: servings taken, and offers whose cap is used up. */
    private record GlobalServings(Set<String> taken, Set<String> soldOut) {
    }

    private final CustomerContextRepository customers;
    private final DecisionMeters meters;
    private final Duration recordFor;
    private final Duration reportFor;
    private final Duration history;

    /**
     * @param reportFor how long a day's report counters are kept
     * @param history   how long contacts are kept at least, whatever the policies look back
     */
    DecisionCommit(CustomerContextRepository customers, DecisionMeters meters, Duration recordFor, Duration reportFor, Duration history) {
        this.customers = customers;
        this.meters = meters;
        this.recordFor = recordFor;
        this.reportFor = reportFor;
        this.history = history;
    }

    /**
     * @param customerId    null for an anonymous visitor: global caps only
     * @param storeReadable false when the customer's context could not be read: the caps cannot be checked
     */
    CompletionStage<Served> serve(String customerId, boolean storeReadable, RuleSet ruleSet, String decisionId, Channel calling,
                                  Instant now, Ranking ranking) {
        ContactPolicies policies = ruleSet.policies();
        if (!storeReadable) {
            return CompletableFuture.completedFuture(unchecked(policies, ranking, Set.of()));
        }
        // Take global servings for the offers that would be chosen (and the fallback, which may yet be); the safe
        // way round: a serving taken and not used is given back, and if that fails the cap is under-used, never exceeded.
        List<Candidate> capped = new ArrayList<>();
        for (Candidate c : ranking.select(c -> true)) {
            if (policies.globalCap(c.offerId()) != null) {
                capped.add(c);
            }
        }
        for (Candidate c : ranking.candidates()) {
            if (c.fallback() && policies.globalCap(c.offerId()) != null && !capped.contains(c)) {
                capped.add(c);
            }
        }
        List<CompletableFuture<Boolean>> takes = new ArrayList<>();
        for (Candidate c : capped) {
            takes.add(customers.takeGlobal(c.offerId(), policies.globalCap(c.offerId()).max()).toCompletableFuture());
        }
        return CompletableFuture.allOf(takes.toArray(CompletableFuture[]::new)).handle((ignored, error) -> {
            Set<String> taken = new HashSet<>();
            Set<String> soldOut = new HashSet<>();
            for (int i = 0; i < capped.size(); i++) {
                Boolean ok = takes.get(i).isCompletedExceptionally() ? null : takes.get(i).join();
                if (Boolean.TRUE.equals(ok)) {
                    taken.add(capped.get(i).offerId());
                } else if (Boolean.FALSE.equals(ok)) {
                    soldOut.add(capped.get(i).offerId());
                }
            }
            return new GlobalServings(taken, soldOut);
        }).thenCompose(global -> {
            List<Suppression> suppressed = new ArrayList<>();
            for (String offer : global.soldOut()) {
                ContactPolicies.GlobalCap cap = policies.globalCap(offer);
                suppressed.add(new Suppression(offer, Suppressed.SOLD_OUT, String.format(Locale.ROOT,
                        "sold out: all %d servings of this offer are taken", cap.max()), cap.name()));
                meters.suppressed(cap.name(), Suppressed.SOLD_OUT);
            }
            // Offers under a global cap are only served with a serving taken for them.
            Ranking open = new Ranking(ranking.candidates().stream()
                    .filter(c -> policies.globalCap(c.offerId()) == null || global.taken().contains(c.offerId())).toList(), ranking.limit(),
                    ranking.features());
            CompletionStage<Served> served = customerId == null
                    ? CompletableFuture.completedFuture(new Served(best(open.select(c -> true)), List.of(), List.of()))
                    : commit(customerId, ruleSet, decisionId, calling, now, open)
                            .exceptionally(error -> unchecked(policies, open, global.taken()));
            return served.thenApply(s -> {
                release(global.taken(), s.offers());
                List<Suppression> all = new ArrayList<>(suppressed);
                all.addAll(s.suppressed());
                return new Served(s.offers(), all, s.notices());
            });
        });
    }

    /** Only the offers no cap covers, or the fallback: what may be served when the caps cannot be checked. */
    private static Served unchecked(ContactPolicies policies, Ranking ranking, Set<String> taken) {
        List<Candidate> open = ranking.select(c -> c.fallback() || (policies.checks(c.offer(), c.best().channel()).isEmpty()
                && (policies.globalCap(c.offerId()) == null || taken.contains(c.offerId()))));
        return new Served(best(open), List.of(), List.of(new Notice(Reason.POLICY_UNCHECKED,
                "contact policies could not be checked in time; offers under a cap were left out")));
    }

    private static List<Choice> best(List<Candidate> candidates) {
        return candidates.stream().map(c -> new Choice(c, c.best())).toList();
    }

    private CompletionStage<Served> commit(String customerId, RuleSet ruleSet, String decisionId, Channel calling, Instant now, Ranking open) {
        ContactPolicies policies = ruleSet.policies();
        List<CustomerContextRepository.Candidate> commitCandidates = new ArrayList<>();
        List<List<Option>> optionsOf = new ArrayList<>();
        // The fallback once: when its offer is also eligible above, the caps it would meet are the same.
        Set<String> eligible = new HashSet<>();
        open.candidates().stream().filter(c -> !c.fallback()).forEach(c -> eligible.add(c.offerId()));
        List<Candidate> toServe = open.candidates().stream().filter(c -> !c.fallback() || !eligible.contains(c.offerId())).toList();
        for (Candidate c : toServe) {
            List<Option> options = new ArrayList<>();
            List<CustomerContextRepository.Option> toCheck = new ArrayList<>();
            for (Option o : c.options()) {
                List<CapCheck> checks = policies.checks(c.offer(), o.channel()).stream()
                        .map(k -> new CapCheck(k.per(), k.max(), k.windowMillis(), k.policy())).toList();
                options.add(o);
                toCheck.add(new CustomerContextRepository.Option(o.channel().id(), checks, recordJson(c, o, open)));
                // Only a cap that counts per channel can be filled by an earlier offer of this decision and leave
                // another channel open: then the offer may move on to its next channel within the commit.
                if (toCheck.get(0).checks().stream().allMatch(k -> k.per().equals(ContactPolicies.Per.OFFER.code()))) {
                    break;
                }
            }
            commitCandidates.add(new CustomerContextRepository.Candidate(c.offerId(), c.group(), c.fallback(), toCheck));
            optionsOf.add(options);
        }
        Duration lookback = policies.lookback().compareTo(history) > 0 ? policies.lookback() : history;
        var commit = new CustomerContextRepository.Commit(decisionId, ruleSet.version(), calling.id(), now,
                policies.counting() == ContactPolicies.Counting.SERVED, policies.pendingHold(), lookback, open.limit(), recordFor,
                policies.journeyWindow(), reportFor, commitCandidates);
        return customers.commit(customerId, commit).thenApply(results -> {
            List<Choice> chosen = new ArrayList<>();
            List<Suppression> capped = new ArrayList<>();
            for (int i = 0; i < results.size(); i++) {
                CustomerContextRepository.Outcome r = results.get(i);
                Candidate c = toServe.get(i);
                if (r.served()) {
                    chosen.add(new Choice(c, optionsOf.get(i).get(r.option())));
                    if (!commitCandidates.get(i).options().get(0).checks().isEmpty()) {
                        meters.capChecked(true);
                    }
                } else if (r.cap() != null) {
                    capped.add(new Suppression(c.offerId(), Suppressed.CAPPED, policies.describe(r.cap(), r.counted(), r.pending()), r.cap()));
                    meters.capChecked(false);
                    meters.suppressed(r.cap(), Suppressed.CAPPED);
                }
            }
            return new Served(chosen, capped, List.of());
        });
    }

    private void release(Set<String> taken, List<Choice> chosen) {
        Set<String> used = new HashSet<>();
        chosen.forEach(c -> used.add(c.candidate().offerId()));
        for (String offer : taken) {
            if (!used.contains(offer)) {
                customers.releaseGlobal(offer);
            }
        }
    }

    /**
     * The offer's part of the recorded decision, as events read it back for attribution and learning: id,
     * channel, score, score parts, the probability of each rank ({@code q}, the Nth for the Nth offer
     * served) and the predictors' values the propensity read ({@code x}, when any are declared).
     */
    static String recordJson(Candidate c, Option o, Ranking ranking) {
        Decision.ScoreParts p = c.parts(o);
        StringBuilder b = new StringBuilder(160).append("{\"id\":\"").append(c.offerId()).append("\",\"ch\":\"").append(o.channel().id())
                .append("\",\"s\":").append(Arbitration.round(o.score())).append(",\"p\":[").append(p.propensity()).append(',')
                .append(p.value()).append(',').append(p.weight()).append(',').append(p.contextBoost()).append("],\"q\":[");
        for (int r = 1; r <= Math.max(1, Math.min(ranking.limit(), ranking.candidates().size())); r++) {
            b.append(r > 1 ? "," : "").append(Arbitration.round(c.choiceProbability(r)));
        }
        b.append(']');
        if (!ranking.features().isEmpty()) {
            b.append(",\"x\":\"").append(JsonStringEncoder.getInstance().quoteAsString(ranking.features())).append('"');
        }
        return b.append('}').toString();
    }
}
