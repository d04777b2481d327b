package io.nbo.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.model.Channel;
import io.nbo.config.StoreUnavailableException;
import io.nbo.simulation.SimulationJobs.Job;
import io.nbo.simulation.SimulationJobs.State;
import io.nbo.testing.HeldRunner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The job bookkeeping without Redis: how long finished jobs are kept, and what a failed run says. */
class SimulationJobsTest {

    static final SimulationJobs.Plan PLAN = new SimulationJobs.Plan(null, null, Channel.WEB, null, 1, Map.of(), 10);

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-23T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void finishedJobsAreKeptForKeepForAndAtMostMaxKept() throws Exception {
        MovableClock clock = new MovableClock();
        SimulationJobs jobs = new SimulationJobs((plan, now, progress) -> {
            progress.planned(1);
            progress.batchDone(HeldRunner.report(1));
            return HeldRunner.report(1);
        }, 3, Duration.ofHours(1), 2, clock);
        try {
            String a = runToTheEnd(jobs).id();
            clock.advance(Duration.ofMinutes(1));
            String b = runToTheEnd(jobs).id();
            clock.advance(Duration.ofMinutes(1));
            Job c = runToTheEnd(jobs);

            assertThat(c.state()).isEqualTo(State.DONE);
            assertThat(c.customersPlanned()).isEqualTo(1);
            assertThat(c.report().customers()).isEqualTo(1);
            // three finished, two kept: the oldest goes
            assertThat(jobs.list()).extracting(Job::id).containsExactly(c.id(), b);
            assertThat(jobs.list()).extracting(Job::report).containsOnlyNulls();
            assertThat(jobs.get(a)).isEmpty();

            clock.advance(Duration.ofMinutes(60));
            assertThat(jobs.list()).extracting(Job::id).containsExactly(c.id());
            clock.advance(Duration.ofMinutes(1));
            assertThat(jobs.list()).isEmpty();
            assertThat(jobs.cancel(c.id())).isEmpty();
        } finally {
            jobs.close();
        }
    }

    @Test
    void aRunThatFailsOnACustomerSaysSoWithoutJavaText() throws Exception {
        SimulationJobs jobs = new SimulationJobs((plan, now, progress) -> {
            progress.planned(10);
            throw new NullPointerException("Cannot invoke \"io.nbo.model.Event.type()\" because \"e\" is null");
        }, 1, Duration.ofHours(1), 100, Clock.systemUTC());
        try {
            Job failed = runToTheEnd(jobs);

            assertThat(failed.state()).isEqualTo(State.FAILED);
            assertThat(failed.error()).isEqualTo("simulating a customer failed: a rule failed on this customer's data or this request");
        } finally {
            jobs.close();
        }
    }

    @Test
    void aFailedRunSaysWhyAndFreesItsSlot() throws Exception {
        SimulationJobs jobs = new SimulationJobs((plan, now, progress) -> {
            progress.planned(10);
            throw new ExecutionException(new StoreUnavailableException("the customer store is unavailable"));
        }, 1, Duration.ofHours(1), 100, Clock.systemUTC());
        try {
            Job failed = runToTheEnd(jobs);

            assertThat(failed.state()).isEqualTo(State.FAILED);
            assertThat(failed.error()).isEqualTo("the customer store is unavailable");
            assertThat(failed.customersPlanned()).isEqualTo(10);
            assertThat(failed.finishedAt()).isNotNull();
            assertThat(runToTheEnd(jobs).state()).isEqualTo(State.FAILED);
        } finally {
            jobs.close();
        }
    }

    /** Starts a job as soon as a slot is free, and waits until it has finished. */
    static Job runToTheEnd(SimulationJobs jobs) throws InterruptedException {
        String id = await("a free slot", () -> jobs.start(PLAN)).id();
        return await("the end of " + id, () -> jobs.get(id).filter(j -> j.state() != State.RUNNING));
    }

    static <T> T await(String what, Supplier<Optional<T>> poll) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        Optional<T> value;
        while ((value = poll.get()).isEmpty()) {
            assertThat(Instant.now()).as("waiting for " + what).isBefore(deadline);
            Thread.sleep(10);
        }
        return value.get();
    }
}
