package io.nbo.policy;

import io.nbo.model.Channel;
import io.nbo.model.Contact;
import io.nbo.model.ContactHistory;
import io.nbo.model.Offer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The contact policies of a rule set ({@code policies.yaml}): caps per customer in sliding windows,
 * suppression after responses, and global caps across customers. {@link #violation} explains what
 * the loaded history already forbids; {@link #checks} gives the caps that the commit script checks
 * again atomically, so concurrent decisions cannot overshoot them.
 *
 * @param counting      what counts against a cap: offers served, or impressions reported by the channels
 * @param pendingHold   with impression counting, how long a served offer holds its place before its impression arrives
 * @param journeyWindow how long a customer keeps the same top offer on every channel
 */
public record ContactPolicies(Counting counting, Duration pendingHold, Duration journeyWindow, List<Cap> caps,
                              List<Suppression> suppressions, List<GlobalCap> globalCaps) {

    /** Policies that forbid nothing: no caps, no suppression; consent still applies. */
    public static final ContactPolicies NONE = new ContactPolicies(Counting.IMPRESSION, Duration.ofMinutes(10), Duration.ofHours(24),
            List.of(), List.of(), List.of());

    /** What counts against a cap. */
    public enum Counting {
        /** Every offer a decision returns counts at once. */
        SERVED,
        /** Impressions count; a served offer holds a place for {@code pendingHold} until its impression arrives. */
        IMPRESSION
    }

    /** What a cap counts per. */
    public enum Per {
        /** Contacts with this offer, on any channel. */
        OFFER,
        /** Contacts on this channel, with any offer. */
        CHANNEL,
        /** Contacts with this offer on this channel. */
        OFFER_CHANNEL;

        /** The code the commit script knows it by. */
        public String code() {
            return switch (this) {
                case OFFER -> "o";
                case CHANNEL -> "c";
                case OFFER_CHANNEL -> "oc";
            };
        }
    }

    /** Which offers a policy applies to: any listed id, group or tag; all offers when all are empty. */
    public record Selector(List<String> offers, List<String> groups, List<String> tags) {
        public static final Selector ALL = new Selector(List.of(), List.of(), List.of());

        public boolean matches(Offer offer) {
            if (offers.isEmpty() && groups.isEmpty() && tags.isEmpty()) {
                return true;
            }
            return offers.contains(offer.getId()) || groups.contains(offer.getGroup()) || offer.getTags().stream().anyMatch(tags::contains);
        }
    }

    /** At most {@code max} contacts per {@code per} in {@code window}; {@code channels} limits which channels it covers (empty: all). */
    public record Cap(String name, String text, Per per, List<Channel> channels, Selector applies, int max, Duration window) {
        boolean covers(Offer offer, Channel channel) {
            return applies.matches(offer) && (channels.isEmpty() || channels.contains(channel));
        }
    }

    /** After {@code count} responses of kind {@code after} within {@code within}, the offer is not offered for {@code suppressFor}. */
    public record Suppression(String name, String text, String after, int count, Duration within, Duration suppressFor, Selector applies) {
    }

    /** At most {@code max} servings of an offer across all customers, taken atomically. */
    public record GlobalCap(String name, String offer, long max) {
    }

    /** Why an offer (or one of its channels) may not be served: a code, the policy's name, and a sentence for an agent. */
    public record Violation(Suppressed code, String policy, String message) {
    }

    /** A cap for the commit script: what to count, at most how many, over how long (ms). */
    public record Check(String per, int max, long windowMillis, String policy) {
    }

    /** How far back the history must go for every policy to be evaluated. */
    public Duration lookback() {
        Duration d = journeyWindow.compareTo(pendingHold) > 0 ? journeyWindow : pendingHold;
        for (Cap c : caps) {
            d = c.window().compareTo(d) > 0 ? c.window() : d;
        }
        for (Suppression s : suppressions) {
            Duration need = s.within().plus(s.suppressFor());
            d = need.compareTo(d) > 0 ? need : d;
        }
        return d;
    }

    /** The global cap of an offer, or null. */
    public GlobalCap globalCap(String offerId) {
        for (GlobalCap g : globalCaps) {
            if (g.offer().equals(offerId)) {
                return g;
            }
        }
        return null;
    }

    /** Whether a response suppresses the offer now; null when nothing does. */
    public Violation suppression(Offer offer, ContactHistory history, Instant now) {
        for (Suppression s : suppressions) {
            if (!s.applies().matches(offer)) {
                continue;
            }
            java.util.function.Predicate<Contact> response = c -> c.kind().equals(s.after()) && c.offerId().equals(offer.getId());
            Contact latest = history.latest(response);
            if (latest == null || !latest.at().plus(s.suppressFor()).isAfter(now)) {
                continue;
            }
            // count the responses in the window that ends with the latest one
            long n = history.count(response, latest.at().minus(s.within()));
            if (n >= s.count()) {
                Instant until = latest.at().plus(s.suppressFor());
                String text = s.text() != null ? s.text()
                        : s.count() == 1 ? String.format(Locale.ROOT, "%s on %s", pastTense(s.after()), latest.channel())
                        : String.format(Locale.ROOT, "%s %d times in %s", pastTense(s.after()), n, human(s.within()));
                return new Violation(Suppressed.SUPPRESSED, s.name(), "suppressed: " + text + "; not offered again before " + DAY.format(until));
            }
        }
        return null;
    }

    /** The first cap the history already breaks for this offer on this channel; null when none does. */
    public Violation capped(Offer offer, Channel channel, ContactHistory history, Instant now) {
        for (Cap cap : caps) {
            if (!cap.covers(offer, channel)) {
                continue;
            }
            java.util.function.Predicate<Contact> counted = c -> counts(c, now) && matches(cap.per(), c, offer.getId(), channel.id());
            long n = history.count(counted, now.minus(cap.window()));
            if (n >= cap.max()) {
                long pending = history.count(counted.and(c -> c.kind().equals("pending")), now.minus(cap.window()));
                return new Violation(Suppressed.CAPPED, cap.name(), "capped: " + describe(cap, n, pending));
            }
        }
        return null;
    }

    /** The caps the commit script must check again for this offer on this channel. */
    public List<Check> checks(Offer offer, Channel channel) {
        List<Check> out = new ArrayList<>();
        for (Cap cap : caps) {
            if (cap.covers(offer, channel)) {
                out.add(new Check(cap.per().code(), cap.max(), cap.window().toMillis(), cap.name()));
            }
        }
        return out;
    }

    /**
     * The sentence for an agent when the commit script finds a cap reached, having counted {@code n}
     * contacts, {@code pending} of them servings not yet reported shown.
     */
    public String describe(String policy, long n, long pending) {
        for (Cap cap : caps) {
            if (cap.name().equals(policy)) {
                return "capped: " + describe(cap, n, pending);
            }
        }
        return "capped: " + policy;
    }

    /**
     * E.g. {@code 3 impressions of this offer in 7 days (at most 3)}; with impression counting, servings
     * not yet reported shown hold a place too, and the sentence says so.
     */
    private String describe(Cap cap, long n, long pending) {
        if (cap.text() != null) {
            return cap.text();
        }
        String what = counting == Counting.SERVED ? "servings" : pending == 0 ? "impressions" : "servings or impressions";
        String held = pending == 0 || counting == Counting.SERVED ? ""
                : "; " + pending + (pending == 1 ? " of them was" : " of them were") + " served and not yet reported shown";
        String scope = switch (cap.per()) {
            case OFFER -> " of this offer";
            case CHANNEL -> cap.channels().size() == 1 ? " on " + cap.channels().get(0).id() : " on this channel";
            case OFFER_CHANNEL -> " of this offer on this channel";
        };
        return String.format(Locale.ROOT, "%d %s%s in %s (at most %d%s)", n, what, scope, human(cap.window()), cap.max(), held);
    }

    /** Whether a contact counts against caps under this counting. */
    boolean counts(Contact c, Instant now) {
        return counting == Counting.SERVED ? c.kind().equals("served")
                : c.kind().equals("impression") || (c.kind().equals("pending") && c.at().plus(pendingHold).isAfter(now));
    }

    private static boolean matches(Per per, Contact c, String offerId, String channel) {
        return switch (per) {
            case OFFER -> c.offerId().equals(offerId);
            case CHANNEL -> c.channel().equals(channel);
            case OFFER_CHANNEL -> c.offerId().equals(offerId) && c.channel().equals(channel);
        };
    }

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private static String pastTense(String kind) {
        return switch (kind) {
            case "accept" -> "accepted";
            case "reject" -> "rejected";
            case "dismiss" -> "dismissed";
            case "click" -> "clicked";
            case "conversion" -> "converted";
            default -> kind;
        };
    }

    /** 7 days, 24 hours, 10 minutes. */
    static String human(Duration d) {
        if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
            return d.toDays() == 1 ? "1 day" : d.toDays() + " days";
        }
        if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) {
            return d.toHours() == 1 ? "1 hour" : d.toHours() + " hours";
        }
        return d.toMinutes() == 1 ? "1 minute" : d.toMinutes() + " minutes";
    }
}
