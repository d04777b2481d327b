package io.nbo.loadtests.jmh;

import io.nbo.model.Customer;
import io.nbo.model.Request;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The rule sets and decision inputs of the load-test programs in {@code load-tests/scale} ({@code RuleSetGenerator},
 * {@code RuleSetScale}), for the benchmark. Those programs live in the unnamed package, which a named class cannot
 * import, so {@code LoadTestWorkload}, beside them in it, implements this interface and is loaded by name once.
 */
public interface Workload {

    /** One decision to evaluate. */
    record Input(Customer customer, Request request) {
    }

    /** The instant every decision is made at, as in RuleSetScale (2026-11-23T12:00:00Z, {@code nbo generate}'s default). */
    Instant now();

    /** The firing limit RuleSetScale passes to {@code RuleSet.evaluate}. */
    int maxFirings();

    /**
     * Writes a generated rule set into {@code dir} (RuleSetGenerator, seed 7) and returns {@code count} inputs for it,
     * built as RuleSetScale builds them (seed 42) from the customers {@code nbo generate} wrote to {@code customers}.
     */
    List<Input> generated(int rules, int offers, Path dir, Path customers, int count) throws IOException;

    /** The same inputs for the demo rule set, drawing on the placements and campaign RuleSetScale uses with it. */
    List<Input> demo(Path customers, int count) throws IOException;

    /** The implementation next to the load-test programs. */
    static Workload load() {
        try {
            return Class.forName("LoadTestWorkload").asSubclass(Workload.class).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("LoadTestWorkload (load-tests/jmh/src/main/java) is not on the class path", e);
        }
    }
}
