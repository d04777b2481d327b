import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Generates a deterministic rules folder of N rules and a catalog of M offers over nbo's fact model,
 * with the rule shapes of the demo rule set (tier, points, lapsed, cart, cart SKU, campaign, favourite
 * category, exclusions, channel preferences, unknown visitors, recent behaviour, birthday, checkout boost).
 *
 * <p>Model of a big rule set: about {@value #BROAD} rules apply to everyone who matches their
 * conditions (like the demo's); every rule beyond those is also scoped to one placement
 * ({@code Request(placement == "pl-0042")}) or one campaign ({@code Request(attr("campaign") == "cmp-0007")}),
 * because rule sets grow by adding rules for more slots and campaigns, not more rules for everyone.
 * Requests name one placement of the pool and, 30 % of the time, one campaign.
 *
 * <pre>java -cp ... RuleSetGenerator --rules 1000 --offers 100 --seed 7 --out /tmp/rules-1000</pre>
 */
final class RuleSetGenerator {

    static final int BROAD = 100;
    static final int RULES_PER_FILE = 250;

    static final String[] TIERS = {"bronze", "silver", "gold", "platinum"};
    static final String[] CHANNELS = {"web", "app", "email", "sms", "push", "call_center", "store"};
    static final String[] PAGES = {"home", "product", "category", "cart", "checkout", "gifts", "account", "search"};
    static final String[] DEVICES = {"mobile", "desktop", "tablet"};
    static final String[] CATEGORIES = {"shoes", "outerwear", "accessories", "beauty", "home", "kids", "sports"};
    static final String[] SKU_PREFIX = {"SH", "OW", "AC", "BE", "HO", "KI", "SP"};
    static final int[] POINTS = {250, 500, 750, 1000, 1500, 2000, 3000};
    static final int[] LIFETIME = {250, 500, 1000, 2000, 5000};
    static final int[] LAPSED_DAYS = {60, 90, 120, 180, 365};
    static final int[] CART_TOTALS = {25, 50, 75, 100, 150, 200};
    static final String[] GROUPS;
    // Shape weights, in the order of the switch in rule(): A..M.
    static final int[] SHAPE_WEIGHTS = {20, 8, 8, 10, 10, 8, 6, 6, 4, 6, 8, 3, 1};

    static {
        List<String> g = new ArrayList<>(List.of("shipping", "cart", "fulfilment"));
        for (String c : CATEGORIES) {
            g.add("cross-sell-" + c);
        }
        g.addAll(List.of("loyalty", "vip", "birthday", "winback", "welcome", "newsletter", "app", "discovery",
                "seasonal", "flash", "gift-card", "campaign"));
        GROUPS = g.toArray(String[]::new);
    }

    /** A generated folder: file name to content, and the pools requests draw from. */
    record Generated(Map<String, String> files, int rules, int offers, List<String> placements, List<String> campaigns) {

        /** Writes the files into a folder, replacing the rule files, catalog and policies already there. */
        void writeTo(Path dir) throws IOException {
            Files.createDirectories(dir);
            try (var old = Files.list(dir)) {
                for (Path p : old.toList()) {
                    String n = p.getFileName().toString();
                    // policies.yaml too: the demo folder's names offers a generated catalog does not have.
                    if (n.endsWith(".drl") || n.equals("offers.yaml") || n.equals("policies.yaml")) {
                        Files.delete(p);
                    }
                }
            }
            for (var e : files.entrySet()) {
                Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
            }
        }
    }

    private final SplittableRandom r;
    private final int ruleCount;
    private final Map<String, List<String>> offersByGroup = new LinkedHashMap<>();
    private final List<String> allOffers = new ArrayList<>();
    private final List<String> placements = new ArrayList<>();
    private final List<String> campaigns = new ArrayList<>();

    private RuleSetGenerator(int ruleCount, int offerCount, long seed) {
        this.r = new SplittableRandom(seed);
        this.ruleCount = ruleCount;
        for (int k = 0; k < offerCount; k++) {
            String group = GROUPS[k % GROUPS.length];
            String id = group + "-" + (k / GROUPS.length + 1);
            offersByGroup.computeIfAbsent(group, x -> new ArrayList<>()).add(id);
            allOffers.add(id);
        }
        // Pools grow with the rule set: about 25 scoped rules per placement, 50 per campaign.
        for (int i = 1; i <= Math.max(3, ruleCount / 25); i++) {
            placements.add(String.format("pl-%04d", i));
        }
        for (int i = 1; i <= Math.max(5, ruleCount / 50); i++) {
            campaigns.add(String.format("cmp-%04d", i));
        }
    }

    static Generated generate(int rules, int offers, long seed) {
        if (offers < GROUPS.length) {
            throw new IllegalArgumentException("at least " + GROUPS.length + " offers (one per group)");
        }
        return new RuleSetGenerator(rules, offers, seed).build(offers);
    }

    private Generated build(int offerCount) {
        Map<String, String> files = new TreeMap<>();
        files.put("offers.yaml", catalog(offerCount));
        StringBuilder drl = null;
        int file = 0;
        for (int i = 0; i < ruleCount; i++) {
            if (i % RULES_PER_FILE == 0) {
                if (drl != null) {
                    files.put(String.format("generated-%03d.drl", file++), drl.toString());
                }
                drl = new StringBuilder("package rules;\n\nimport io.nbo.model.*;\n\n");
            }
            drl.append(rule(i));
        }
        if (drl != null) {
            files.put(String.format("generated-%03d.drl", file), drl.toString());
        }
        return new Generated(files, ruleCount, offerCount, List.copyOf(placements), List.copyOf(campaigns));
    }

    private String catalog(int offerCount) {
        StringBuilder y = new StringBuilder("# Generated catalog: ").append(offerCount).append(" offers.\noffers:\n");
        for (String id : allOffers) {
            String group = id.substring(0, id.lastIndexOf('-'));
            int value = 5 + r.nextInt(96);
            int cost = r.nextInt(value / 2 + 1);
            List<String> tags = new ArrayList<>();
            tags.add(group);
            if (group.equals("shipping") || group.equals("cart") || group.equals("fulfilment") || r.nextInt(10) == 0) {
                tags.add("checkout");
            }
            if (group.startsWith("cross-sell-")) {
                tags.add(group.substring("cross-sell-".length()));
            }
            if (group.equals("loyalty") || group.equals("vip") || group.equals("birthday")) {
                tags.add("loyalty");
            }
            y.append("  - id: ").append(id).append('\n')
                    .append("    name: Generated offer ").append(id).append('\n')
                    .append("    group: ").append(group).append('\n')
                    .append("    value: ").append(value).append(".0\n")
                    .append("    cost: ").append(cost).append(".0\n")
                    .append("    weight: ").append(r.nextInt(10) == 0 ? "1.5" : "1.0").append('\n')
                    .append("    validFrom: 2025-01-01T00:00:00Z\n")
                    .append("    validUntil: 2031-01-01T00:00:00Z\n")
                    .append("    tags: [").append(String.join(", ", tags)).append("]\n")
                    .append("    channels:\n");
            for (String ch : CHANNELS) {
                boolean on = switch (ch) {
                    case "web", "app", "email" -> true;
                    default -> r.nextInt(100) < 50;
                };
                if (on) {
                    y.append("      ").append(ch).append(": {headline: \"").append(id).append(" on ").append(ch)
                            .append("\", body: \"The generated offer ").append(id).append(".\"}\n");
                }
            }
        }
        return y.toString();
    }

    private String rule(int i) {
        List<String> customer = new ArrayList<>();
        List<String> request = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        String offer = null;
        String then;
        String what;
        switch (shape()) {
            case 0 -> { // A: a tier on a channel and page
                String tier = pick(TIERS);
                String ch = pick(CHANNELS);
                String page = pick(PAGES);
                customer.add("known");
                customer.add("text(\"tier\") == \"" + tier + "\"");
                request.add("channel == \"" + ch + "\"");
                request.add("page == \"" + page + "\"");
                offer = "id == \"" + pick(allOffers) + "\"";
                what = tier + " members on " + ch + " " + page + " are offered it";
                then = "$r.eligible($o, \"A member offer for you\");";
            }
            case 1 -> { // B: loyalty points
                int points = pick(POINTS);
                customer.add("known");
                customer.add(r.nextBoolean() ? "text(\"tier\") in (\"gold\", \"platinum\")" : "text(\"tier\") == \"" + pick(TIERS) + "\"");
                customer.add("number(\"loyaltyPoints\") >= " + points);
                offer = "id == \"" + pickGroup(r.nextBoolean() ? "loyalty" : "vip") + "\"";
                what = "members with " + points + " points or more get it";
                then = "$r.eligible($o, \"You have " + points + " points or more\");";
            }
            case 2 -> { // C: lapsed, by value
                int days = pick(LAPSED_DAYS);
                int value = pick(LIFETIME);
                customer.add("known");
                customer.add("daysSince(\"lastPurchaseAt\") > " + days);
                customer.add("number(\"lifetimeValue\") >= " + value);
                offer = "id == \"" + pickGroup("winback") + "\"";
                what = "customers gone " + days + " days with " + value + " spent come back";
                then = "$r.eligible($o, \"We miss you: come back for this\");";
            }
            case 3 -> { // D: cart total and category at cart or checkout
                int total = pick(CART_TOTALS);
                String cat = pick(CATEGORIES);
                customer.add("known");
                customer.add("cart.total >= " + total);
                customer.add("cart.hasCategory(\"" + cat + "\")");
                request.add("page in (\"cart\", \"checkout\")");
                String[] groups = {"shipping", "cart", "cross-sell-" + cat};
                offer = "id == \"" + pickGroup(groups[r.nextInt(groups.length)]) + "\"";
                what = cat + " carts of " + total + " or more get it at checkout";
                then = "$r.eligible($o, \"Your cart qualifies\");\n    $r.boost($o, 1.5, \"You are about to check out\");";
            }
            case 4 -> { // E: a SKU in the cart
                int cat = r.nextInt(CATEGORIES.length);
                String sku = SKU_PREFIX[cat] + "-" + (101 + r.nextInt(6));
                customer.add("known");
                customer.add("!cart.empty");
                extra.add("CartItem(sku == \"" + sku + "\") from $c.cart.items");
                offer = "id == \"" + pickGroup("cross-sell-" + CATEGORIES[cat]) + "\"";
                what = "carts with " + sku + " get a cross-sell";
                then = "$r.eligible($o, \"Goes well with what is in your cart\");";
            }
            case 5 -> { // F: a campaign link
                String cmp = pick(campaigns);
                request.add("attr(\"campaign\") == \"" + cmp + "\"");
                String[] groups = {"seasonal", "flash", "campaign", "gift-card"};
                offer = "id == \"" + pickGroup(groups[r.nextInt(groups.length)]) + "\"";
                what = "visitors from campaign " + cmp + " see its offer first";
                then = "$r.eligible($o, \"From the campaign you followed\");\n    $r.boost($o, 2.0, \"You came from this campaign\");";
            }
            case 6 -> { // G: favourite category boosts a group
                String cat = pick(CATEGORIES);
                customer.add("known");
                customer.add("text(\"favoriteCategory\") == \"" + cat + "\"");
                offer = "group == \"cross-sell-" + cat + "\"";
                what = "fans of " + cat + " see its cross-sells first";
                then = "$r.boost($o, 1.5, \"From your favourite category\");";
            }
            case 7 -> { // H: exclusions
                if (r.nextBoolean()) {
                    customer.add("known");
                    customer.add("daysSince(\"lastPurchaseAt\") < " + (15 + 15 * r.nextInt(4)));
                    offer = "group == \"winback\"";
                    what = "recent buyers get no win-back offer";
                } else {
                    customer.add("known");
                    customer.add("number(\"ordersCount\") >= " + (1 + r.nextInt(3)));
                    offer = "group == \"welcome\"";
                    what = "customers who ordered get no welcome offer";
                }
                then = "$r.exclude($o, \"Not for you right now\");";
            }
            case 8 -> { // I: channel preference
                String ch = pick(new String[] {"email", "sms", "push"});
                int clicks = 1 + r.nextInt(5);
                customer.add("known");
                customer.add("consents(\"" + ch + "\")");
                customer.add("engagement(\"" + ch + "\", \"clicks\") >= " + clicks);
                what = "customers who click " + ch + " " + clicks + " times are reached there";
                then = "$r.preferChannel(\"" + ch + "\", 1.3, \"You respond on " + ch + "\");";
            }
            case 9 -> { // J: unknown visitors
                String ch = r.nextBoolean() ? "web" : "app";
                String device = pick(DEVICES);
                customer.add("!known");
                request.add("channel == \"" + ch + "\"");
                request.add("device == \"" + device + "\"");
                String[] groups = {"welcome", "newsletter", "discovery", "app"};
                offer = "id == \"" + pickGroup(groups[r.nextInt(groups.length)]) + "\"";
                what = "unknown " + device + " visitors on " + ch + " are welcomed";
                then = "$r.eligible($o, \"Welcome, here is something for a first visit\");";
            }
            case 10 -> { // K: recent behaviour
                String cat = pick(CATEGORIES);
                customer.add("known");
                if (r.nextBoolean()) {
                    customer.add("recentlyDid(\"page_view\", \"category\", \"" + cat + "\")");
                    offer = "id == \"" + pickGroup("cross-sell-" + cat) + "\"";
                    what = "browsers of " + cat + " get its cross-sell";
                } else {
                    int searches = 2 + r.nextInt(3);
                    customer.add("recentCount(\"search\", 14) >= " + searches);
                    customer.add("daysSince(\"lastPurchaseAt\") > 14");
                    offer = "id == \"" + pickGroup("flash") + "\"";
                    what = "customers with " + searches + " searches and no purchase get a flash sale";
                }
                then = "$r.eligible($o, \"Based on what you looked at\");";
            }
            case 11 -> { // L: birthday month
                customer.add("known");
                customer.add("number(\"birthMonth\") == currentMonth()");
                offer = "id == \"" + pickGroup("birthday") + "\"";
                what = "members get a gift in their birthday month";
                then = "$r.eligible($o, \"It is your birthday month\");";
            }
            default -> { // M: checkout pages favour checkout offers
                request.add("page == \"checkout\"");
                offer = "tags not contains \"checkout\"";
                what = "checkout shows offers that help finish the order";
                then = "$r.boost($o, 0.2, \"At checkout we show offers for this order\");";
            }
        }
        // Rules beyond the first BROAD are scoped to a placement or a campaign (see the class comment).
        if (r.nextDouble() * ruleCount >= BROAD) {
            boolean hasCampaign = request.stream().anyMatch(c -> c.startsWith("attr(\"campaign\")"));
            if (hasCampaign || r.nextInt(10) < 7) {
                request.add(0, "placement == \"" + pick(placements) + "\"");
            } else {
                request.add(0, "attr(\"campaign\") == \"" + pick(campaigns) + "\"");
            }
        }
        StringBuilder s = new StringBuilder();
        s.append(String.format("rule \"G%05d: %s\"%nwhen%n    $r : Result()%n", i + 1, what));
        if (!request.isEmpty()) {
            s.append("    Request(").append(String.join(", ", request)).append(")\n");
        }
        if (!customer.isEmpty()) {
            s.append("    ").append(extra.isEmpty() ? "" : "$c : ").append("Customer(").append(String.join(", ", customer)).append(")\n");
        }
        for (String e : extra) {
            s.append("    ").append(e).append('\n');
        }
        if (offer != null) {
            s.append("    $o : Offer(").append(offer).append(")\n");
        }
        s.append("then\n    ").append(then).append("\nend\n\n");
        return s.toString();
    }

    private int shape() {
        int total = 0;
        for (int w : SHAPE_WEIGHTS) {
            total += w;
        }
        int x = r.nextInt(total);
        for (int k = 0; k < SHAPE_WEIGHTS.length; k++) {
            x -= SHAPE_WEIGHTS[k];
            if (x < 0) {
                return k;
            }
        }
        throw new AssertionError();
    }

    private String pick(String[] a) {
        return a[r.nextInt(a.length)];
    }

    private int pick(int[] a) {
        return a[r.nextInt(a.length)];
    }

    private String pick(List<String> a) {
        return a.get(r.nextInt(a.size()));
    }

    private String pickGroup(String group) {
        return pick(offersByGroup.get(group));
    }

    public static void main(String[] args) throws IOException {
        int rules = 1000;
        int offers = 100;
        long seed = 7;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rules" -> rules = Integer.parseInt(args[++i]);
                case "--offers" -> offers = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("--out <folder> is required");
        }
        Generated g = generate(rules, offers, seed);
        g.writeTo(out);
        System.out.printf("%d rules, %d offers, %d files in %s%n", g.rules(), g.offers(), g.files().size(), out);
    }
}
