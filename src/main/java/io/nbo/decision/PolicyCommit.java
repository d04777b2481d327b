package io.nbo.decision;

import io.nbo.context.CustomerContextRepository;
import io.nbo.context.CustomerContextRepository.CapCheck;
import io.nbo.decision.Decision.Notice;
import io.nbo.decision.Decision.RankedOffer;
import io.nbo.decision.Decision.Suppression;
import io.nbo.model.Channel;
import io.nbo.model.Offer;
import io.nbo.policy.ContactPolicies;
import io.nbo.rules.RuleSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The policy step of a decision that needs Redis: take servings of global caps, then check the
 * customer's caps again and record what is served, the decision and the journey in one atomic
 * script; give back global servings that were not used. It never fails: when Redis cannot be
 * reached or answers too late, it serves only offers that no cap covers, and says so, so that a cap
 * holds exactly even then (a commit that timed out may still have been applied).
 */
final class PolicyCommit {

    /** The offers finally served, what the policies stopped on the way, and notices. */
    record Served(List<RankedOffer> offers, List<Suppression> suppressed, List<Notice> notices) {
        /** These offers instead, with more suppressions and notices. */
        Served with(List<RankedOffer> instead, List<Suppression> moreSuppressed, List<Notice> moreNotices) {
            List<Suppression> s = new ArrayList<>(suppressed);
            s.addAll(moreSuppressed);
            List<Notice> n = new ArrayList<>(notices);
            n.addAll(moreNotices);
            return new Served(instead, s, n);
        }

    }

    /** Notice code: the contact policies could not be checked against Redis. */
    static final String POLICY_UNCHECKED = "policy_unchecked";

    private final CustomerContextRepository customers;
    private final DecisionMeters meters;
    private final Duration recordFor;
    private final Duration reportFor;
    private final Duration history;

    /**
     * @param reportFor how long a day's report counters are kept
     * @param history   how long contacts are kept at least, whatever the policies look back
     */
    PolicyCommit(CustomerContextRepository customers, DecisionMeters meters, Duration recordFor, Duration reportFor, Duration history) {
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
                                  int limit, Instant now, DecisionEngine.Outcome out) {
        ContactPolicies policies = ruleSet.policies();
        List<RankedOffer> candidates = out.candidates();
        if (!storeReadable) {
            return CompletableFuture.completedFuture(uncapped(ruleSet, candidates, limit, Set.of()));
        }
        // Take global servings for the offers that would be chosen; the safe way round: a serving
        // taken and not used is given back, and if that fails the cap is under-used, never exceeded.
        List<RankedOffer> tentative = firstPerGroup(candidates, limit);
        List<CompletableFuture<Boolean>> takes = new ArrayList<>();
        for (RankedOffer c : tentative) {
            ContactPolicies.GlobalCap cap = policies.globalCap(c.offerId());
            takes.add(cap == null ? CompletableFuture.completedFuture(true) : customers.takeGlobal(c.offerId(), cap.max()).toCompletableFuture());
        }
        return CompletableFuture.allOf(takes.toArray(CompletableFuture[]::new)).handle((ignored, error) -> {
            Set<String> taken = new HashSet<>();
            Set<String> soldOut = new HashSet<>();
            for (int i = 0; i < tentative.size(); i++) {
                String offer = tentative.get(i).offerId();
                if (policies.globalCap(offer) == null) {
                    continue;
                }
                Boolean ok = takes.get(i).isCompletedExceptionally() ? null : takes.get(i).join();
                if (Boolean.TRUE.equals(ok)) {
                    taken.add(offer);
                } else if (Boolean.FALSE.equals(ok)) {
                    soldOut.add(offer);
                }
            }
            return new Object[] {taken, soldOut};
        }).thenCompose(pair -> {
            @SuppressWarnings("unchecked") Set<String> taken = (Set<String>) pair[0];
            @SuppressWarnings("unchecked") Set<String> soldOut = (Set<String>) pair[1];
            List<Suppression> suppressed = new ArrayList<>();
            for (String offer : soldOut) {
                ContactPolicies.GlobalCap cap = policies.globalCap(offer);
                suppressed.add(new Suppression(offer, "sold_out", String.format(Locale.ROOT,
                        "sold out: all %d servings of this offer are taken", cap.max()), cap.name()));
                count(cap.name(), "sold_out");
            }
            // Offers under a global cap are only served with a serving taken for them.
            List<RankedOffer> open = candidates.stream()
                    .filter(c -> policies.globalCap(c.offerId()) == null || taken.contains(c.offerId())).toList();
            if (customerId == null) {
                List<RankedOffer> chosen = firstPerGroup(open, limit);
                release(taken, chosen);
                return CompletableFuture.completedFuture(new Served(rerank(chosen), suppressed, List.of()));
            }
            return commit(customerId, ruleSet, decisionId, calling, limit, now, open, out.otherChannels()).handle((served, error) -> {
                if (error != null) {
                    Served safe = uncapped(ruleSet, open, limit, taken);
                    release(taken, safe.offers());
                    List<Suppression> all = new ArrayList<>(suppressed);
                    all.addAll(safe.suppressed());
                    return new Served(safe.offers(), all, safe.notices());
                }
                release(taken, served.offers());
                List<Suppression> all = new ArrayList<>(suppressed);
                all.addAll(served.suppressed());
                return new Served(rerank(served.offers()), all, List.of());
            });
        });
    }

    /** Only the offers no cap covers: what may be served when the caps cannot be checked. */
    private static Served uncapped(RuleSet ruleSet, List<RankedOffer> candidates, int limit, Set<String> taken) {
        ContactPolicies policies = ruleSet.policies();
        List<RankedOffer> open = candidates.stream().filter(c -> {
            Offer offer = ruleSet.catalog().find(c.offerId()).orElseThrow();
            return policies.checks(offer, Channel.fromId(c.channel()).orElseThrow()).isEmpty()
                    && (policies.globalCap(c.offerId()) == null || taken.contains(c.offerId()));
        }).toList();
        return new Served(rerank(firstPerGroup(open, limit)), List.of(), List.of(new Notice(POLICY_UNCHECKED,
                "contact policies could not be checked in time; offers under a cap were left out")));
    }

    private CompletionStage<Served> commit(String customerId, RuleSet ruleSet, String decisionId, Channel calling, int limit, Instant now,
                                           List<RankedOffer> open, Map<String, List<RankedOffer>> otherChannels) {
        ContactPolicies policies = ruleSet.policies();
        List<CustomerContextRepository.Candidate> commitCandidates = new ArrayList<>();
        List<List<RankedOffer>> optionsOf = new ArrayList<>();
        for (RankedOffer c : open) {
            Offer offer = ruleSet.catalog().find(c.offerId()).orElseThrow();
            List<CustomerContextRepository.Option> options = new ArrayList<>();
            List<RankedOffer> ranked = new ArrayList<>();
            options.add(option(policies, offer, c));
            ranked.add(c);
            // Only a cap that counts per channel can be filled by an earlier offer of this decision and leave
            // another channel open: then the offer may move on to its next channel within the commit.
            if (options.get(0).checks().stream().anyMatch(k -> !k.per().equals(ContactPolicies.Per.OFFER.code()))) {
                for (RankedOffer other : otherChannels.getOrDefault(c.offerId(), List.of())) {
                    options.add(option(policies, offer, other));
                    ranked.add(other);
                }
            }
            commitCandidates.add(new CustomerContextRepository.Candidate(c.offerId(), c.group(), options));
            optionsOf.add(ranked);
        }
        Duration lookback = policies.lookback().compareTo(history) > 0 ? policies.lookback() : history;
        var commit = new CustomerContextRepository.Commit(decisionId, ruleSet.version(), calling.id(), now,
                policies.counting() == ContactPolicies.Counting.SERVED, policies.pendingHold(), lookback, limit, recordFor,
                policies.journeyWindow(), reportFor, commitCandidates);
        return customers.commit(customerId, commit).thenApply(results -> {
            List<RankedOffer> chosen = new ArrayList<>();
            List<Suppression> capped = new ArrayList<>();
            for (int i = 0; i < results.size(); i++) {
                CustomerContextRepository.Outcome r = results.get(i);
                if (r.served()) {
                    chosen.add(optionsOf.get(i).get(r.option()));
                    if (!commitCandidates.get(i).options().get(0).checks().isEmpty()) {
                        meters.capChecked(true);
                    }
                } else if (r.cap() != null) {
                    capped.add(new Suppression(open.get(i).offerId(), "capped", policies.describe(r.cap(), r.counted(), r.pending()), r.cap()));
                    meters.capChecked(false);
                    count(r.cap(), "capped");
                }
            }
            return new Served(chosen, capped, List.of());
        });
    }

    private static CustomerContextRepository.Option option(ContactPolicies policies, Offer offer, RankedOffer on) {
        List<CapCheck> checks = policies.checks(offer, Channel.fromId(on.channel()).orElseThrow()).stream()
                .map(k -> new CapCheck(k.per(), k.max(), k.windowMillis(), k.policy())).toList();
        return new CustomerContextRepository.Option(on.channel(), checks, recordJson(on));
    }

    private void release(Set<String> taken, List<RankedOffer> chosen) {
        Set<String> used = new HashSet<>();
        chosen.forEach(c -> used.add(c.offerId()));
        for (String offer : taken) {
            if (!used.contains(offer)) {
                customers.releaseGlobal(offer);
            }
        }
    }

    private void count(String policy, String code) {
        meters.suppressed(policy, code);
    }

    /** The first {@code limit} offers, one per group. */
    static List<RankedOffer> firstPerGroup(List<RankedOffer> ordered, int limit) {
        List<RankedOffer> out = new ArrayList<>();
        Set<String> groups = new HashSet<>();
        for (RankedOffer c : ordered) {
            if (out.size() < limit && groups.add(c.group())) {
                out.add(c);
            }
        }
        return out;
    }

    private static List<RankedOffer> rerank(List<RankedOffer> offers) {
        List<RankedOffer> out = new ArrayList<>();
        for (RankedOffer o : offers) {
            out.add(new RankedOffer(out.size() + 1, o.offerId(), o.name(), o.group(), o.channel(), o.creative(), o.score(), o.scoreParts(),
                    o.rules(), o.why()));
        }
        return out;
    }

    /** The offer's part of the recorded decision, as events read it back for attribution. */
    static String recordJson(RankedOffer c) {
        Decision.ScoreParts p = c.scoreParts();
        return "{\"id\":\"" + c.offerId() + "\",\"ch\":\"" + c.channel() + "\",\"s\":" + c.score() + ",\"p\":["
                + p.propensity() + "," + p.value() + "," + p.weight() + "," + p.contextBoost() + "]}";
    }
}
