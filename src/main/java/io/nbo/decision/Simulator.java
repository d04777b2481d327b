package io.nbo.decision;

import io.nbo.context.CustomerContextRepository;
import io.nbo.context.StoredCustomer;
import io.nbo.model.Channel;
import io.nbo.model.Customer;
import io.nbo.rules.RuleSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/** Runs a {@link Simulation} over a sample of the customers stored in Redis. Blocks; off the request path. */
public final class Simulator {

    /** Customers loaded per round trip batch. */
    private static final int BATCH = 200;

    private final CustomerContextRepository customers;

    public Simulator(CustomerContextRepository customers) {
        this.customers = customers;
    }

    /**
     * Simulates the candidate (against {@code active}, if given) over up to {@code sample} stored customers.
     *
     * @param progress told the number of customers done after each batch
     */
    public Simulation.Report run(RuleSet candidate, RuleSet active, Channel channel, String placement, int limit,
                                 Map<String, Object> context, int sample, Instant now, LongConsumer progress) throws Exception {
        Simulation simulation = new Simulation(new DecisionEngine(1, 20, 10_000, ScenarioRunner.BUDGET), candidate, active,
                channel, placement, limit, context);
        List<String> ids = customers.sampleIds(sample);
        for (int from = 0; from < ids.size(); from += BATCH) {
            List<CompletableFuture<Optional<StoredCustomer>>> loads = new ArrayList<>();
            for (String id : ids.subList(from, Math.min(from + BATCH, ids.size()))) {
                loads.add(customers.load(id).toCompletableFuture());
            }
            for (CompletableFuture<Optional<StoredCustomer>> load : loads) {
                Optional<StoredCustomer> stored = load.get(10, TimeUnit.SECONDS);
                stored.ifPresent(s -> simulation.add(new Customer(s.id(), true, s.data(), now), now));
            }
            progress.accept(simulation.customers());
        }
        return simulation.report();
    }
}
