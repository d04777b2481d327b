import io.nbo.loadtests.jmh.Workload;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * {@link Workload} from RuleSetGenerator and RuleSetScale's decision inputs. In the unnamed package, like them,
 * because nothing outside it can call them.
 */
public final class LoadTestWorkload implements Workload {

    @Override
    public Instant now() {
        return RuleSetScale.NOW;
    }

    @Override
    public int maxFirings() {
        return RuleSetScale.MAX_FIRINGS;
    }

    @Override
    public List<Input> generated(int rules, int offers, Path dir, Path customers, int count) throws IOException {
        RuleSetGenerator.Generated g = RuleSetGenerator.generate(rules, offers, 7);
        g.writeTo(dir);
        return inputs(g, customers, count);
    }

    @Override
    public List<Input> demo(Path customers, int count) throws IOException {
        // The pools RuleSetScale's reloads draw on when the demo folder is active.
        return inputs(new RuleSetGenerator.Generated(java.util.Map.of(), -1, -1, List.of("home-hero", "checkout-banner"), List.of("bf26")),
                customers, count);
    }

    private static List<Input> inputs(RuleSetGenerator.Generated g, Path customers, int count) throws IOException {
        return RuleSetScale.decisions(RuleSetScale.readCustomers(customers), g, count, 42).stream()
                .map(d -> new Input(d.customer(), d.request()))
                .toList();
    }
}
