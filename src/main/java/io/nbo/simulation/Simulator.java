package io.nbo.simulation;

import io.nbo.context.CustomerContextRepository;
import io.nbo.context.StoredCustomer;
import io.nbo.decision.DecisionEngine;
import io.nbo.model.Channel;
import io.nbo.model.Customer;
import io.nbo.config.StoreUnavailableException;
import io.nbo.rules.RuleSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs a {@link Simulation} over a sample of the customers stored in Redis. Blocks; off the request path. */
public final class Simulator {

    /** Customers loaded per round trip batch. */
    private static final int BATCH = 200;

    /**
     * Tries per customer load. A long run makes thousands of loads under the short command timeout
     * of the request path; one slow moment of Redis should not end it.
     */
    private static final int ATTEMPTS = 3;
    /** A simulation is no decision: its loads may wait for Redis longer than a decision's command timeout. */
    private static final java.time.Duration LOAD_TIMEOUT = java.time.Duration.ofSeconds(5);

    /** Hears how a run goes, on the thread that runs it. */
    public interface Progress {

        /** The sample is drawn: at most this many customers will be simulated (fewer when fewer are stored). */
        default void planned(int customers) {
        }

        /** A batch is done; {@code soFar} covers every customer simulated until now. Returns false to stop the run here. */
        boolean batchDone(Simulation.Report soFar);
    }

    private final CustomerContextRepository customers;

    public Simulator(CustomerContextRepository customers) {
        this.customers = customers;
    }

    /**
     * Simulates the candidate (against {@code active}, if given) over up to {@code sample} stored customers.
     *
     * @return the report of every customer simulated; of those before the stop, when {@code progress} stopped the run
     */
    public Simulation.Report run(RuleSet candidate, RuleSet active, Channel channel, String placement, int limit,
                                 Map<String, Object> context, int sample, Instant now, Progress progress) throws Exception {
        Simulation simulation = new Simulation(new DecisionEngine(1, 20, 10_000, ScenarioRunner.BUDGET), candidate, active,
                channel, placement, limit, context);
        List<String> ids = customers.sampleIds(sample);
        progress.planned(ids.size());
        for (int from = 0; from < ids.size(); from += BATCH) {
            List<String> batch = ids.subList(from, Math.min(from + BATCH, ids.size()));
            List<CompletableFuture<Optional<StoredCustomer>>> loads = new ArrayList<>();
            for (String id : batch) {
                loads.add(customers.loadPatiently(id, LOAD_TIMEOUT).toCompletableFuture());
            }
            for (int i = 0; i < batch.size(); i++) {
                Optional<StoredCustomer> stored = load(batch.get(i), loads.get(i));
                stored.ifPresent(s -> simulation.add(new Customer(s.id(), true, s.data(), now), now));
            }
            if (!progress.batchDone(simulation.report())) {
                break;
            }
        }
        return simulation.report();
    }

    /** Waits for a load already sent, and sends it again when Redis was unavailable, up to {@link #ATTEMPTS} tries in all. */
    private Optional<StoredCustomer> load(String id, CompletableFuture<Optional<StoredCustomer>> sent) throws Exception {
        CompletableFuture<Optional<StoredCustomer>> load = sent;
        for (int attempt = 1; ; attempt++) {
            try {
                return load.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (attempt == ATTEMPTS || !(e.getCause() instanceof StoreUnavailableException)) {
                    throw e;
                }
                load = customers.loadPatiently(id, LOAD_TIMEOUT).toCompletableFuture();
            }
        }
    }
}
