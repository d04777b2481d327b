package io.nbo.loadtests;

import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request bodies: random demo customers, pages, placements and devices for decisions, and event batches
 * with unique ids. Bodies are built as strings, since building them must cost the load generator little.
 */
public final class Traffic {

    static final String[] PAGES = {"home", "product", "category", "cart", "checkout", "gifts", "account", "search"};
    static final String[] DEMO_PLACEMENTS = {"home-hero", "gift-guide", "sidebar", "checkout-banner"};
    static final String[] DEVICES = {"desktop", "mobile", "mobile", "tablet"};
    static final String[] CATEGORIES = {"shoes", "outerwear", "beauty", "home", "electronics", "toys"};

    private static final AtomicLong STREAMS = new AtomicLong();
    // One generator per load-generator thread, each seeded from SEED: no contention, and the same mix every run.
    private static final ThreadLocal<SplittableRandom> RANDOM =
            ThreadLocal.withInitial(() -> new SplittableRandom(Params.SEED * 1_000_003L + STREAMS.incrementAndGet()));
    private static final AtomicLong EVENT_IDS = new AtomicLong();
    private static final String RUN = Long.toString(System.currentTimeMillis(), 36);

    private Traffic() {
    }

    static SplittableRandom random() {
        return RANDOM.get();
    }

    static String customer() {
        return String.format("demo-%06d", 1 + random().nextInt(Params.CUSTOMERS));
    }

    static String placement() {
        SplittableRandom r = random();
        return Params.PLACEMENTS > 0 ? String.format("pl-%04d", 1 + r.nextInt(Params.PLACEMENTS))
                : DEMO_PLACEMENTS[r.nextInt(DEMO_PLACEMENTS.length)];
    }

    /** A page view on the web: one offer for a slot on a page. */
    public static String pageView() {
        SplittableRandom r = random();
        return decision(customer(), "web", placement(), PAGES[r.nextInt(PAGES.length)], DEVICES[r.nextInt(DEVICES.length)], 1);
    }

    /** An agent's screen in the call center: the top five offers for the caller. */
    public static String callCenter() {
        return decision(customer(), "call_center", Params.PLACEMENTS > 0 ? placement() : "agent-console", null, null, 5);
    }

    static String decision(String customer, String channel, String placement, String page, String device, int limit) {
        StringBuilder b = new StringBuilder(200).append("{\"customerId\":\"").append(customer)
                .append("\",\"channel\":\"").append(channel).append("\",\"placement\":\"").append(placement).append('"');
        if (page != null) {
            b.append(",\"page\":\"").append(page).append('"');
        }
        if (device != null) {
            b.append(",\"device\":\"").append(device).append('"');
        }
        // As RuleSetGenerator's requests: a campaign 30 % of the time, when the rule set has campaigns.
        if (Params.CAMPAIGNS > 0 && random().nextInt(10) < 3) {
            b.append(",\"context\":{\"campaign\":\"").append(String.format("cmp-%04d", 1 + random().nextInt(Params.CAMPAIGNS))).append("\"}");
        }
        return b.append(",\"limit\":").append(limit).append('}').toString();
    }

    /**
     * The events that follow a decision: an impression of its first offer (and a click one time in ten),
     * then {@code behavioural} page views and cart adds of the same customer (at least one when there is no
     * offer to show), and a purchase one batch in 30.
     */
    public static String events(String customer, String decisionId, String offerId, int behavioural) {
        SplittableRandom r = random();
        String now = Instant.now().toString();
        StringBuilder b = new StringBuilder(256 * (2 + behavioural)).append('[');
        boolean shown = decisionId != null && offerId != null;
        if (shown) {
            offerEvent(b, "impression", customer, now, decisionId, offerId);
            if (r.nextInt(10) == 0) {
                offerEvent(b, "click", customer, now, decisionId, offerId);
            }
        }
        for (int i = 0; i < (shown ? behavioural : Math.max(1, behavioural)); i++) {
            String category = CATEGORIES[r.nextInt(CATEGORIES.length)];
            if (r.nextInt(5) == 0) {
                head(b, customer, now).append("cart_add\",\"attributes\":{\"sku\":\"SK-").append(1 + r.nextInt(2000))
                        .append("\",\"category\":\"").append(category).append("\",\"price\":").append(5 + r.nextInt(245))
                        .append(".99,\"quantity\":1}}");
            } else {
                head(b, customer, now).append("page_view\",\"channel\":\"web\",\"attributes\":{\"category\":\"")
                        .append(category).append("\",\"page\":\"/c/").append(1 + r.nextInt(500)).append("\"}}");
            }
        }
        if (r.nextInt(30) == 0) {
            head(b, customer, now).append("purchase\",\"amount\":").append(10 + r.nextInt(390)).append(".50}");
        }
        return b.append(']').toString();
    }

    private static void offerEvent(StringBuilder b, String type, String customer, String now, String decisionId, String offerId) {
        head(b, customer, now).append(type).append("\",\"decisionId\":\"").append(decisionId).append("\",\"offerId\":\"")
                .append(offerId).append("\",\"channel\":\"web\"}");
    }

    /** Starts the next event of the batch, up to its type's value. */
    private static StringBuilder head(StringBuilder b, String customer, String now) {
        if (b.charAt(b.length() - 1) != '[') {
            b.append(',');
        }
        return b.append("{\"eventId\":\"lt-").append(RUN).append('-').append(EVENT_IDS.incrementAndGet()).append("\",\"customerId\":\"")
                .append(customer).append("\",\"timestamp\":\"").append(now).append("\",\"type\":\"");
    }
}
