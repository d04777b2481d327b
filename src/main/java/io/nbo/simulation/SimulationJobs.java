package io.nbo.simulation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import io.nbo.config.NboConfig;
import io.nbo.context.CustomerContextRepository;
import io.nbo.model.Channel;
import io.nbo.rules.RuleSet;
import io.nbo.security.LogSafe;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * Simulations as background jobs on this replica: a few at most run at once, each publishing its
 * progress and a report of the customers so far after every batch, and stopping between batches
 * when cancelled. Finished jobs are kept for a while, in memory only: another replica does not
 * know them.
 */
@ApplicationScoped
public class SimulationJobs {

    private static final Logger LOG = Logger.getLogger(SimulationJobs.class);

    /** What to simulate: the candidate, the rule set to compare it with (or null), the request, and how many customers. */
    public record Plan(RuleSet candidate, RuleSet active, Channel channel, String placement, int limit, Map<String, Object> context,
                       int sample) {
    }

    /** Where a job is; only {@code running} changes. */
    public enum State {
        RUNNING, DONE, FAILED, CANCELLED;

        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A job as it stands. {@code customersPlanned} is known once the sample is drawn; {@code report}
     * covers the customers done so far, all of them when {@code done}, and stays as it was when the
     * job was cancelled or failed.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"id", "state", "customersDone", "customersPlanned", "startedAt", "finishedAt", "error", "report"})
    public record Job(String id, State state, long customersDone, Integer customersPlanned, Instant startedAt, Instant finishedAt,
                      String error, Simulation.Report report) {

        /** The job without its report, as listed. */
        public Job withoutReport() {
            return new Job(id, state, customersDone, customersPlanned, startedAt, finishedAt, error, null);
        }

        Job planned(int customers) {
            return new Job(id, state, customersDone, customers, startedAt, finishedAt, error, report);
        }

        Job progressed(Simulation.Report soFar) {
            return new Job(id, state, soFar.customers(), customersPlanned, startedAt, finishedAt, error, soFar);
        }

        Job ended(State to, Instant at, String why) {
            return new Job(id, to, customersDone, customersPlanned, startedAt, at, why, report);
        }
    }

    /** Runs one simulation and tells its progress: {@link Simulator#run} over the stored customers, in production. */
    @FunctionalInterface
    public interface Runner {
        Simulation.Report run(Plan plan, Instant now, Simulator.Progress progress) throws Exception;
    }

    /** One job: its latest view, written by its run and by a cancel, and the flag its run checks between batches. */
    private static final class Handle {
        final AtomicReference<Job> view;
        volatile boolean stop;

        Handle(Job job) {
            this.view = new AtomicReference<>(job);
        }

        /** Applies {@code change} while the job runs; a finished job stays as it is. */
        void whileRunning(UnaryOperator<Job> change) {
            view.updateAndGet(j -> j.state() == State.RUNNING ? change.apply(j) : j);
        }
    }

    private final Runner runner;
    private final Duration keepFor;
    private final int maxKept;
    private final Clock clock;
    private final Semaphore running;
    private final ExecutorService executor;
    /** Oldest first; running jobs are never dropped, finished ones by age and count. */
    private final Map<String, Handle> jobs = new LinkedHashMap<>();

    @Inject
    public SimulationJobs(CustomerContextRepository customers, NboConfig config) {
        this(over(new Simulator(customers)), config.simulation().maxRunning(), config.simulation().keepFor(),
                config.simulation().maxKept(), Clock.systemUTC());
    }

    /**
     * @param maxRunning jobs running at once; {@link #start} refuses one more
     * @param keepFor    how long a finished job is kept
     * @param maxKept    finished jobs kept at most, the oldest dropped first
     */
    public SimulationJobs(Runner runner, int maxRunning, Duration keepFor, int maxKept, Clock clock) {
        this.runner = runner;
        this.keepFor = keepFor;
        this.maxKept = maxKept;
        this.clock = clock;
        this.running = new Semaphore(maxRunning);
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(maxRunning, r -> {
            Thread t = new Thread(r, "nbo-simulation-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private static Runner over(Simulator simulator) {
        return (plan, now, progress) -> simulator.run(plan.candidate(), plan.active(), plan.channel(), plan.placement(), plan.limit(),
                plan.context(), plan.sample(), now, progress);
    }

    void onStop(@Observes ShutdownEvent event) {
        close();
    }

    /** Stops every running job and the threads. */
    public void close() {
        synchronized (jobs) {
            jobs.values().forEach(h -> h.stop = true);
        }
        executor.shutdownNow();
    }

    /** Starts a job; empty when as many jobs as allowed are running already. */
    public Optional<Job> start(Plan plan) {
        if (!running.tryAcquire()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Handle handle = new Handle(new Job(UUID.randomUUID().toString(), State.RUNNING, 0, null, now, null, null, null));
        synchronized (jobs) {
            prune(now);
            jobs.put(handle.view.get().id(), handle);
        }
        try {
            executor.execute(() -> run(handle, plan, now));
        } catch (RuntimeException e) {
            running.release();
            throw e;
        }
        return Optional.of(handle.view.get());
    }

    private void run(Handle handle, Plan plan, Instant now) {
        try {
            Simulation.Report report = runner.run(plan, now, new Simulator.Progress() {
                @Override
                public void planned(int customers) {
                    handle.whileRunning(j -> j.planned(customers));
                }

                @Override
                public boolean batchDone(Simulation.Report soFar) {
                    handle.whileRunning(j -> j.progressed(soFar));
                    return !handle.stop;
                }
            });
            handle.whileRunning(j -> j.progressed(report).ended(State.DONE, clock.instant(), null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handle.whileRunning(j -> j.ended(State.FAILED, clock.instant(), "stopped: the service is shutting down"));
        } catch (Exception e) {
            String why = describe(e);
            // The job shows the reason to its marketer; the log only the classes, as the message may quote a customer's data.
            LOG.warnf("simulation %s failed: %s", handle.view.get().id(), LogSafe.describe(e));
            handle.whileRunning(j -> j.ended(State.FAILED, clock.instant(), why));
        } finally {
            handle.whileRunning(j -> j.ended(State.FAILED, clock.instant(), "stopped unexpectedly; see the log"));
            running.release();
        }
    }

    /** Why a run failed, for the marketer: the store's own message, else the rules' failure in their terms (never Java's text). */
    private static String describe(Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof io.nbo.config.StoreUnavailableException && cause.getMessage() != null) {
            return cause.getMessage();
        }
        return "simulating a customer failed: " + io.nbo.rules.RuleSet.failureReason(cause);
    }

    /** The job, if this replica knows it. */
    public Optional<Job> get(String id) {
        synchronized (jobs) {
            prune(clock.instant());
            return Optional.ofNullable(jobs.get(id)).map(h -> h.view.get());
        }
    }

    /** Every job this replica knows, newest first, without reports. */
    public List<Job> list() {
        List<Job> out = new ArrayList<>();
        synchronized (jobs) {
            prune(clock.instant());
            jobs.values().forEach(h -> out.add(0, h.view.get().withoutReport()));
        }
        return out;
    }

    /**
     * Cancels a running job: it is {@code cancelled} at once, with the report of the customers done
     * so far, and its run stops at the end of the batch it is in. A finished job is left as it is.
     *
     * @return the job as it is now; empty when this replica does not know it
     */
    public Optional<Job> cancel(String id) {
        Handle handle;
        synchronized (jobs) {
            prune(clock.instant());
            handle = jobs.get(id);
        }
        if (handle == null) {
            return Optional.empty();
        }
        handle.stop = true;
        handle.whileRunning(j -> j.ended(State.CANCELLED, clock.instant(), null));
        return Optional.of(handle.view.get());
    }

    /** Drops finished jobs older than {@code keepFor}, then the oldest finished beyond {@code maxKept}. Holds the lock. */
    private void prune(Instant now) {
        Instant cutoff = now.minus(keepFor);
        int finished = 0;
        for (Iterator<Handle> it = jobs.values().iterator(); it.hasNext(); ) {
            Job job = it.next().view.get();
            if (job.finishedAt() != null && job.finishedAt().isBefore(cutoff)) {
                it.remove();
            } else if (job.finishedAt() != null) {
                finished++;
            }
        }
        for (Iterator<Handle> it = jobs.values().iterator(); it.hasNext() && finished > maxKept; ) {
            if (it.next().view.get().finishedAt() != null) {
                it.remove();
                finished--;
            }
        }
    }
}
