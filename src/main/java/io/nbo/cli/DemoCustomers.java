package io.nbo.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Demo customers as JSON lines, the same bytes for the same seed, count and reference instant.
 * Customer {@code n} comes from its own random stream (seed and n), so it does not depend on how many
 * are generated, and nothing reads the clock.
 *
 * <p>The profile vocabulary is what the demo rules are written against: {@code firstName}, {@code tier}
 * (bronze, silver, gold, platinum), {@code loyaltyPoints}, {@code signupDate}, {@code lastPurchaseAt}
 * (absent when the customer never bought), {@code lifetimeValue}, {@code ordersCount}, {@code city},
 * {@code country}, {@code birthMonth}, {@code favoriteCategory}, {@code appInstalled}, {@code age}.
 * Engagement is per channel: {@code sent}, {@code opens}, {@code clicks}; for web and app {@code sent}
 * counts impressions, {@code opens} is 0 and {@code clicks <= sent}.
 */
final class DemoCustomers {

    static final String[] CATEGORIES = {"shoes", "outerwear", "accessories", "beauty", "home", "kids", "sports"};

    private static final String[] FIRST_NAMES = {
        "Olivia", "Liam", "Emma", "Noah", "Amelia", "Oliver", "Sophia", "Elijah", "Mia", "Lucas",
        "Charlotte", "Mateo", "Isabella", "Leo", "Ava", "Hugo", "Chloe", "Luca", "Lea", "Jonas",
        "Emilia", "Ben", "Alice", "Louis", "Nora", "Arthur", "Sofia", "Finn", "Julia", "Paul",
        "Ines", "Gabriel", "Lina", "Adam", "Zoe", "Raphael", "Maja", "Elias", "Clara", "Samuel"};
    private static final String[][] PLACES = {
        {"Paris", "FR"}, {"Lyon", "FR"}, {"Marseille", "FR"}, {"Berlin", "DE"}, {"Munich", "DE"}, {"Hamburg", "DE"},
        {"Madrid", "ES"}, {"Barcelona", "ES"}, {"Milan", "IT"}, {"Rome", "IT"}, {"Amsterdam", "NL"}, {"Brussels", "BE"},
        {"London", "GB"}, {"Manchester", "GB"}, {"Dublin", "IE"}, {"Vienna", "AT"}, {"Zurich", "CH"}, {"Stockholm", "SE"},
        {"Copenhagen", "DK"}, {"Warsaw", "PL"}, {"Lisbon", "PT"}, {"New York", "US"}, {"Chicago", "US"}, {"Toronto", "CA"}};
    private static final String[] SKU_PREFIX = {"SH", "OW", "AC", "BE", "HO", "KI", "SP"};
    private static final String[][] PRODUCTS = {
        {"Trail Runner", "City Sneaker", "Leather Boot", "Canvas Slip-on", "Running Shoe", "Suede Loafer"},
        {"Rain Jacket", "Wool Coat", "Down Parka", "Denim Jacket", "Fleece Vest", "Trench Coat"},
        {"Leather Belt", "Wool Scarf", "Canvas Tote", "Sunglasses", "Card Wallet", "Beanie"},
        {"Face Serum", "Lip Balm", "Hand Cream", "Eau de Parfum", "Shampoo Bar", "Night Cream"},
        {"Linen Sheets", "Scented Candle", "Bath Towel", "Ceramic Mug", "Throw Blanket", "Table Lamp"},
        {"Kids Raincoat", "Baby Bodysuit", "Kids Sneaker", "Plush Bear", "Kids Pyjamas", "School Bag"},
        {"Yoga Mat", "Running Tights", "Gym Bag", "Water Bottle", "Tennis Racket", "Cycling Gloves"}};
    // Price ranges in cents per category.
    private static final int[][] PRICES = {
        {4_900, 17_900}, {5_900, 29_900}, {1_500, 12_900}, {900, 8_900}, {1_200, 9_900}, {1_500, 6_900}, {1_500, 14_900}};
    private static final String[][] SEARCHES = {
        {"running shoes", "boots", "sneakers white", "trail shoes"},
        {"rain jacket", "winter coat", "parka", "light jacket"},
        {"belt", "scarf", "sunglasses", "wallet"},
        {"serum", "perfume", "moisturizer", "lip balm"},
        {"bed linen", "candle", "towels", "lamp"},
        {"kids shoes", "baby clothes", "toys", "school bag"},
        {"yoga mat", "gym bag", "running tights", "tennis"}};
    private static final String[] TIERS = {"bronze", "silver", "gold", "platinum"};
    private static final String[] RECENT_TYPES = {"page_view", "page_view", "page_view", "search", "search", "cart_add", "email_open"};
    private static final String[] CHANNELS = {"email", "sms", "push", "web", "app"};
    private static final int[] MAX_SENT = {60, 20, 40, 80, 60};
    private static final int[] MAX_ORDERS = {6, 15, 30, 60};
    // Percent of customers with 0..8 recent events: most have few, so lines stay compact.
    private static final int[] RECENT_COUNT_WEIGHTS = {32, 24, 15, 10, 7, 5, 3, 2, 2};
    private static final long DAY = 86_400;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    // No separator between root values: each customer is followed by a newline instead.
    private static final JsonFactory FACTORY = new JsonFactoryBuilder()
            .rootValueSeparator((String) null)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private final long seed;
    private final long nowSeconds;
    private final LocalDate today;

    DemoCustomers(long seed, Instant now) {
        this.seed = seed;
        this.nowSeconds = now.getEpochSecond();
        this.today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    }

    /** Writes customers 1..count, one JSON object per line, and flushes. */
    void write(Writer out, long count) throws IOException {
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            for (long n = 1; n <= count; n++) {
                customer(n, json);
                json.writeRaw('\n');
            }
        }
        out.flush();
    }

    static String id(long n) {
        String digits = Long.toString(n);
        return digits.length() >= 6 ? "demo-" + digits : "demo-" + "000000".substring(digits.length()) + digits;
    }

    private void customer(long n, JsonGenerator json) throws IOException {
        SplittableRandom r = new SplittableRandom(mix(mix(seed) + n * GOLDEN));
        boolean brandNew = r.nextInt(100) < 5;
        // 5 % brand new plus 10.5 % of the rest: about 15 % never purchased.
        boolean purchased = !brandNew && r.nextInt(1000) >= 105;
        long memberDays = brandNew ? r.nextInt(30) : 30 + r.nextInt(3_620);
        int tierIndex = brandNew ? 0 : tier(r);
        String tier = TIERS[tierIndex];
        int orders = purchased ? 1 + r.nextInt(MAX_ORDERS[tierIndex]) : 0;
        long lifetimeCents = orders * (long) r.nextInt(2_500, 18_000);
        long lastPurchase = -1;
        if (purchased) {
            // A quarter of purchasers lapsed more than 120 days ago, when they have been members that long.
            boolean lapsed = memberDays > 121 && r.nextInt(100) < 25;
            long daysAgo = lapsed ? 121 + r.nextLong(Math.min(900, memberDays) - 120) : r.nextLong(Math.min(120, memberDays) + 1);
            lastPurchase = nowSeconds - daysAgo * DAY - r.nextInt(86_400);
        }
        int favorite = r.nextInt(CATEGORIES.length);
        boolean app = r.nextInt(100) < 35 + 10 * tierIndex;
        String[] place = PLACES[r.nextInt(PLACES.length)];

        json.writeStartObject();
        json.writeStringField("id", id(n));
        json.writeObjectFieldStart("profile");
        json.writeStringField("firstName", FIRST_NAMES[r.nextInt(FIRST_NAMES.length)]);
        json.writeStringField("tier", tier);
        json.writeNumberField("loyaltyPoints", lifetimeCents / 100 * (tierIndex + 1) + r.nextInt(200));
        json.writeStringField("signupDate", today.minusDays(memberDays).toString());
        if (lastPurchase >= 0) {
            json.writeStringField("lastPurchaseAt", Instant.ofEpochSecond(lastPurchase).toString());
        }
        json.writeFieldName("lifetimeValue");
        json.writeNumber(money(lifetimeCents));
        json.writeNumberField("ordersCount", orders);
        json.writeStringField("city", place[0]);
        json.writeStringField("country", place[1]);
        json.writeNumberField("birthMonth", 1 + r.nextInt(12));
        json.writeStringField("favoriteCategory", CATEGORIES[favorite]);
        json.writeBooleanField("appInstalled", app);
        json.writeNumberField("age", 18 + r.nextInt(62));
        json.writeEndObject();

        boolean email = r.nextInt(100) < 80;
        boolean sms = r.nextInt(100) < 45;
        boolean push = app && r.nextInt(100) < 75;
        json.writeObjectFieldStart("consent");
        json.writeBooleanField("email", email);
        json.writeBooleanField("sms", sms);
        json.writeBooleanField("push", push);
        json.writeEndObject();

        engagement(r, json, brandNew, email, sms, push, app);
        boolean cart = r.nextInt(100) < 30;
        if (cart) {
            cart(r, json, favorite);
        }
        recent(r, json, favorite, email, lastPurchase);
        json.writeEndObject();
    }

    /** Skewed toward bronze: 55 % bronze, 27 % silver, 13 % gold, 5 % platinum. */
    private static int tier(SplittableRandom r) {
        int p = r.nextInt(100);
        return p < 55 ? 0 : p < 82 ? 1 : p < 95 ? 2 : 3;
    }

    /** The SplitMix64 finalizer: neighbouring seeds and customer numbers give unrelated streams. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Counters per channel. Each customer responds best to one channel (several times the click-through
     * of the others), so channel preference differs between customers.
     */
    private void engagement(SplittableRandom r, JsonGenerator json, boolean brandNew, boolean email, boolean sms,
                            boolean push, boolean app) throws IOException {
        String[] channels = CHANNELS;
        int preferred = r.nextInt(channels.length);
        int scale = brandNew ? 5 : 1;
        json.writeObjectFieldStart("engagement");
        for (int c = 0; c < channels.length; c++) {
            // Messages go only to customers who consented; web and app count impressions.
            boolean reachable = switch (c) {
                case 0 -> email;
                case 1 -> sms;
                case 2 -> push;
                case 4 -> app;
                default -> true;
            };
            int maxSent = MAX_SENT[c] / scale;
            int sent = reachable ? r.nextInt(maxSent + 1) : 0;
            if (sent == 0) {
                continue;
            }
            double boost = c == preferred ? 3.0 : 1.0;
            int opens;
            int clicks;
            if (c >= 3) {
                opens = 0;
                clicks = Math.min(sent, share(r, sent, (0.005 + r.nextDouble() * 0.04) * boost));
            } else {
                double openRate = c == 1 ? 0.6 + r.nextDouble() * 0.35 : 0.1 + r.nextDouble() * 0.35;
                opens = Math.min(sent, share(r, sent, openRate * Math.min(boost, 1.8)));
                clicks = Math.min(opens, share(r, opens, (0.03 + r.nextDouble() * 0.12) * boost));
            }
            json.writeObjectFieldStart(channels[c]);
            json.writeNumberField("sent", sent);
            json.writeNumberField("opens", opens);
            json.writeNumberField("clicks", clicks);
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    /** {@code count * rate}, rounded up or down at random in proportion, so small counts still vary. */
    private static int share(SplittableRandom r, int count, double rate) {
        double exact = count * Math.min(1.0, rate);
        int whole = (int) exact;
        return whole + (r.nextDouble() < exact - whole ? 1 : 0);
    }

    private void cart(SplittableRandom r, JsonGenerator json, int favorite) throws IOException {
        int items = 1 + (r.nextInt(100) < 55 ? 0 : r.nextInt(3));
        json.writeObjectFieldStart("cart");
        json.writeArrayFieldStart("items");
        for (int i = 0; i < items; i++) {
            int category = r.nextInt(100) < 60 ? favorite : r.nextInt(CATEGORIES.length);
            int product = r.nextInt(PRODUCTS[category].length);
            json.writeStartObject();
            json.writeStringField("sku", sku(category, product));
            json.writeStringField("name", PRODUCTS[category][product]);
            json.writeStringField("category", CATEGORIES[category]);
            json.writeFieldName("price");
            json.writeNumber(money(price(category, product)));
            int q = r.nextInt(100);
            json.writeNumberField("quantity", q < 80 ? 1 : q < 95 ? 2 : 3);
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeStringField("updatedAt", Instant.ofEpochSecond(nowSeconds - r.nextInt(72 * 3_600 + 1)).toString());
        json.writeEndObject();
    }

    /** A product's SKU, e.g. SH-104: fixed per product, so the same SKU always has the same name and price. */
    private static String sku(int category, int product) {
        return SKU_PREFIX[category] + "-" + (101 + product);
    }

    private static long price(int category, int product) {
        int[] range = PRICES[category];
        long step = (range[1] - range[0]) / (PRODUCTS[category].length - 1);
        // Prices end in .90, like a shop's.
        return (range[0] + step * product) / 100 * 100 + 90;
    }

    /**
     * 0-8 events of the last 30 days, newest first. A purchase appears only for a customer whose
     * lastPurchaseAt falls in that window, at that instant, so the two never disagree.
     */
    private void recent(SplittableRandom r, JsonGenerator json, int favorite, boolean email, long lastPurchase) throws IOException {
        int[] weights = RECENT_COUNT_WEIGHTS;
        int pick = r.nextInt(100);
        int count = 0;
        while (pick >= weights[count]) {
            pick -= weights[count];
            count++;
        }
        boolean purchase = lastPurchase > nowSeconds - 30 * DAY;
        if (count == 0 && !purchase) {
            return;
        }
        long[] at = new long[count + (purchase ? 1 : 0)];
        for (int i = 0; i < count; i++) {
            at[i] = nowSeconds - r.nextLong(30 * DAY);
        }
        if (purchase) {
            at[count] = lastPurchase;
        }
        Arrays.sort(at);
        json.writeArrayFieldStart("recent");
        int written = 0;
        for (int i = at.length - 1; i >= 0 && written < 8; i--, written++) {
            json.writeStartObject();
            if (purchase && at[i] == lastPurchase) {
                json.writeStringField("type", "purchase");
                purchase = false;
                json.writeStringField("at", Instant.ofEpochSecond(at[i]).toString());
                json.writeObjectFieldStart("attributes");
                json.writeStringField("amount", money(r.nextInt(1_500, 25_000)));
                json.writeEndObject();
                json.writeEndObject();
                continue;
            }
            String type = RECENT_TYPES[r.nextInt(RECENT_TYPES.length)];
            if (type.equals("email_open") && !email) {
                type = "page_view";
            }
            int category = r.nextInt(100) < 65 ? favorite : r.nextInt(CATEGORIES.length);
            json.writeStringField("type", type);
            json.writeStringField("at", Instant.ofEpochSecond(at[i]).toString());
            switch (type) {
                case "page_view" -> {
                    json.writeObjectFieldStart("attributes");
                    json.writeStringField("category", CATEGORIES[category]);
                    json.writeEndObject();
                }
                case "search" -> {
                    json.writeObjectFieldStart("attributes");
                    json.writeStringField("query", SEARCHES[category][r.nextInt(SEARCHES[category].length)]);
                    json.writeEndObject();
                }
                case "cart_add" -> {
                    json.writeObjectFieldStart("attributes");
                    json.writeStringField("sku", sku(category, r.nextInt(PRODUCTS[category].length)));
                    json.writeStringField("category", CATEGORIES[category]);
                    json.writeEndObject();
                }
                default -> {
                    // email_open has no attributes.
                }
            }
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    /** Cents as a decimal with two places, without floating point, so output is identical on every JVM. */
    private static String money(long cents) {
        long rest = cents % 100;
        return cents / 100 + (rest < 10 ? ".0" : ".") + rest;
    }
}
