import io.nbo.evaluation.Estimate;
import io.nbo.evaluation.Evaluation;
import io.nbo.evaluation.LoggedEvent;
import io.nbo.evaluation.OffPolicyEstimator;
import io.nbo.evaluation.ThompsonSamplingPolicy;
import io.nbo.model.Customer;
import io.nbo.model.Request;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Open Bandit Dataset's sanity check for nbo's offline evaluation: a Bernoulli Thompson-sampling policy
 * fitted on the Thompson-sampling (bts) log of a campaign, evaluated on its uniformly random log with IPW and
 * self-normalised IPW (io.nbo.evaluation), next to the click rate each log actually got.
 *
 *   java -cp CLASSES:APP OpenBandit DATASET_DIR CAMPAIGN [DRAWS] [SEED] [ranked|per-slot]
 *
 * ranked: one posterior per item, each draw ranks the items into the 3 slots (as the dataset's bts policy ran);
 * per-slot: one posterior per item and slot, the best draw in each slot.
 *
 * Prints one Markdown table row per campaign.
 */
public final class OpenBandit {

    public static void main(String[] args) throws Exception {
        Path dataset = Path.of(args[0]);
        String campaign = args[1];
        int draws = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 12345;
        List<LoggedEvent> random = read(dataset.resolve("random").resolve(campaign).resolve(campaign + ".csv"));
        List<LoggedEvent> bts = read(dataset.resolve("bts").resolve(campaign).resolve(campaign + ".csv"));

        String form = args.length > 4 ? args[4] : "ranked";
        ThompsonSamplingPolicy ts = form.equals("per-slot") ? ThompsonSamplingPolicy.fit(bts, draws, seed)
                : ThompsonSamplingPolicy.fitRanked(bts, 3, draws, seed);
        Evaluation evaluation = new Evaluation(ts, seed);
        random.forEach(evaluation::add);
        OffPolicyEstimator.Report r = evaluation.report();
        OffPolicyEstimator btsOwn = new OffPolicyEstimator();
        // its own click rate only: no weights (some bts propensities round to 0)
        bts.forEach(e -> btsOwn.add(e.reward(), Double.NaN, 0, false));
        Estimate btsLogged = btsOwn.report().logged();

        System.out.printf(Locale.ROOT, "| %s | %s | %,d | %s | %s | %s | %s | %s | %.3f | %,.0f |%n", campaign, form, random.size(),
                percent(r.ipw()), percent(r.snipw()), percent(r.replay()) + String.format(Locale.ROOT, " (%,d events)", r.replay().used()),
                percent(r.logged()), percent(btsLogged), r.meanWeight(), r.effectiveSampleSize());
        for (String w : r.warnings()) {
            System.err.println(campaign + ": warning: " + w);
        }
    }

    /** 0.51 % [0.30, 0.72] */
    private static String percent(Estimate e) {
        return String.format(Locale.ROOT, "%.2f %% [%.2f, %.2f]", 100 * e.value(), 100 * e.low(), 100 * e.high());
    }

    /**
     * One row per impression: ,timestamp,item_id,position,click,propensity_score,user_feature_0..3,user-item_affinity_*.
     * The policy is context-free, so the user features are not read.
     */
    static List<LoggedEvent> read(Path csv) throws Exception {
        List<LoggedEvent> events = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(csv)) {
            List<String> header = Arrays.asList(in.readLine().split(","));
            int time = header.indexOf("timestamp");
            int item = header.indexOf("item_id");
            int position = header.indexOf("position");
            int click = header.indexOf("click");
            int propensity = header.indexOf("propensity_score");
            if (time < 0 || item < 0 || position < 0 || click < 0 || propensity < 0) {
                throw new IllegalArgumentException(csv + ": expected the columns timestamp, item_id, position, click, propensity_score; got " + header);
            }
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split(",", -1);
                Instant at = instant(f[time]);
                events.add(new LoggedEvent(events.size() + 2, at, Customer.unknown(null, at), new Request(null, null, null, null, Map.of()),
                        "item-" + f[item], null, Integer.parseInt(f[position]), Double.parseDouble(f[propensity]),
                        Double.parseDouble(f[click]), List.of()));
            }
        }
        return events;
    }

    /** {@code 2019-11-24 00:03:13.442536+00:00}. */
    private static Instant instant(String text) {
        return OffsetDateTime.parse(text.replace(' ', 'T')).toInstant();
    }
}
