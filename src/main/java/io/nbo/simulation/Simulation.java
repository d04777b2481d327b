package io.nbo.simulation;

import io.nbo.decision.Decision.RankedOffer;
import io.nbo.decision.Decision.Suppression;
import io.nbo.decision.DecisionEngine;
import io.nbo.model.Channel;
import io.nbo.model.Customer;
import io.nbo.model.Request;
import io.nbo.rules.RuleSet;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a candidate rule set would do to real customers, next to the active one, without serving
 * anything: the top offers and channels it would pick, the funnel of each offer (made eligible by
 * a rule → left after consent and channel policies → chosen), and how many customers would see a
 * different top offer. Feed it customers one by one; read the {@link #report()} at any time.
 * Not thread-safe.
 */
public final class Simulation {

    /** One offer's funnel: customers for whom it was made eligible, still servable after policies, and returned. */
    public record Funnel(long eligible, long afterPolicies, long chosen) {
        Funnel plus(boolean isEligible, boolean servable, boolean isChosen) {
            return new Funnel(eligible + (isEligible ? 1 : 0), afterPolicies + (servable ? 1 : 0), chosen + (isChosen ? 1 : 0));
        }
    }

    /** The figures of one rule set over the customers seen. */
    public record Side(String version, Map<String, Long> topOffers, Map<String, Long> topChannels, Map<String, Funnel> funnel,
                       long noOffer) {
    }

    /** The whole report: both sides, and the customers whose top offer would change. */
    @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "SimulationReport")
    public record Report(long customers, Side candidate,
                         @org.eclipse.microprofile.openapi.annotations.media.Schema(nullable = true, description = "The active rule set's side; null when the candidate is the active one") Side active,
                         long topOfferChanged, Map<String, Long> chosenDelta) {
    }

    private final DecisionEngine engine;
    private final RuleSet candidate;
    private final RuleSet active;
    private final Channel channel;
    private final String placement;
    private final int limit;
    private final Map<String, Object> context;
    private final Counts candidateCounts = new Counts();
    private final Counts activeCounts = new Counts();
    private long customers;
    private long changed;

    /**
     * @param active the rule set to compare with; null to report the candidate alone
     */
    public Simulation(DecisionEngine engine, RuleSet candidate, RuleSet active, Channel channel, String placement, int limit,
                      Map<String, Object> context) {
        this.engine = engine;
        this.candidate = candidate;
        this.active = active;
        this.channel = channel;
        this.placement = placement;
        this.limit = limit;
        this.context = context == null ? Map.of() : context;
    }

    /** Decides for one customer with both rule sets. */
    public void add(Customer customer, Instant now) {
        Request request = new Request(channel.id(), placement, null, null, context);
        String top = candidateCounts.add(engine.decide(candidate, customer, request, channel, limit, now));
        if (active != null) {
            String activeTop = activeCounts.add(engine.decide(active, customer, request, channel, limit, now));
            if (!java.util.Objects.equals(top, activeTop)) {
                changed++;
            }
        }
        customers++;
    }

    public long customers() {
        return customers;
    }

    public Report report() {
        Side c = candidateCounts.side(candidate.version());
        Side a = active == null ? null : activeCounts.side(active.version());
        Map<String, Long> delta = new TreeMap<>();
        if (a != null) {
            Set<String> offers = new HashSet<>(c.funnel().keySet());
            offers.addAll(a.funnel().keySet());
            for (String offer : offers) {
                long d = c.funnel().getOrDefault(offer, new Funnel(0, 0, 0)).chosen() - a.funnel().getOrDefault(offer, new Funnel(0, 0, 0)).chosen();
                if (d != 0) {
                    delta.put(offer, d);
                }
            }
        }
        return new Report(customers, c, a, changed, delta);
    }

    /** Running counts for one rule set. */
    private static final class Counts {
        private final Map<String, Long> topOffers = new TreeMap<>();
        private final Map<String, Long> topChannels = new TreeMap<>();
        private final Map<String, Funnel> funnel = new TreeMap<>();
        private long noOffer;

        /** Counts one outcome; returns its top offer (or null). */
        String add(DecisionEngine.Outcome out) {
            Set<String> chosen = new HashSet<>();
            for (RankedOffer o : out.offers()) {
                chosen.add(o.offerId());
            }
            Set<String> suppressed = new HashSet<>();
            for (Suppression s : out.suppressed()) {
                suppressed.add(s.offerId());
                funnel.merge(s.offerId(), new Funnel(1, 0, 0), Simulation::sum);
            }
            for (String servable : out.servable()) {
                funnel.merge(servable, new Funnel(1, 1, chosen.contains(servable) ? 1 : 0), Simulation::sum);
            }
            if (out.offers().isEmpty()) {
                noOffer++;
                return null;
            }
            RankedOffer top = out.offers().get(0);
            topOffers.merge(top.offerId(), 1L, Long::sum);
            topChannels.merge(top.channel(), 1L, Long::sum);
            return top.offerId();
        }

        Side side(String version) {
            return new Side(version, Map.copyOf(topOffers), Map.copyOf(topChannels), Map.copyOf(funnel), noOffer);
        }
    }

    private static Funnel sum(Funnel a, Funnel b) {
        return new Funnel(a.eligible() + b.eligible(), a.afterPolicies() + b.afterPolicies(), a.chosen() + b.chosen());
    }

}
