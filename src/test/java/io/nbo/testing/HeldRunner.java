package io.nbo.testing;

import io.nbo.simulation.Simulation;
import io.nbo.simulation.SimulationJobs;
import io.nbo.simulation.Simulator;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A simulation run a test controls, without Redis or timing: it plans three customers, does the
 * first, then waits until {@link #release()}d before doing the other two, checking for a stop
 * after each, as {@link Simulator#run} does.
 */
public final class HeldRunner implements SimulationJobs.Runner {

    public static final int PLANNED = 3;

    private final CountDownLatch released = new CountDownLatch(1);

    @Override
    public Simulation.Report run(SimulationJobs.Plan plan, Instant now, Simulator.Progress progress) throws Exception {
        progress.planned(PLANNED);
        for (int done = 1; done <= PLANNED; done++) {
            if (done == 2 && !released.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the run");
            }
            if (!progress.batchDone(report(done))) {
                return report(done);
            }
        }
        return report(PLANNED);
    }

    /** Lets this run, and every later one, go on to the end. */
    public void release() {
        released.countDown();
    }

    /** A report of {@code customers} customers who all got {@code offer-a} on the web. */
    public static Simulation.Report report(long customers) {
        return new Simulation.Report(customers, new Simulation.Side("test", Map.of("offer-a", customers), Map.of("web", customers),
                Map.of("offer-a", new Simulation.Funnel(customers, customers, customers)), 0), null, 0, Map.of());
    }
}
