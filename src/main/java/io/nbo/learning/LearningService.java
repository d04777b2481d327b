package io.nbo.learning;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nbo.config.NboConfig;
import io.nbo.redis.RedisConnection;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Learning on this replica: the models in memory ({@link ModelStore}), and the learner
 * ({@link Learner}) when this replica holds the lease, both polled on one thread of their own every
 * {@code nbo.learning.poll-interval}. Off ({@code nbo.learning.enabled=false}), nothing runs and the models stay empty.
 */
@ApplicationScoped
public class LearningService {

    /** Gauge: 1 on the replica that learns now, else 0. */
    static final String LEADER = "nbo.learning.leader";
    /** Gauge: seconds since the newest model change this replica applied was made (-1 before any). */
    static final String LAG = "nbo.learning.lag";
    /** Counter of stream entries that taught the models (on the learning replica). */
    static final String LEARNED = "nbo.learning.events";
    /** Counter of learner polls that failed (Redis unreachable or too slow); the next poll tries again. */
    static final String FAILED = "nbo.learning.poll.failures";
    /** Gauge: offer × channel models this replica holds. */
    static final String MODELS = "nbo.learning.models";
    /**
     * Gauge: the lowest AUC of a contextual model on recent responses among the models that have one (NaN when none):
     * one per model would be a series per offer.
     */
    static final String AUC_MIN = "nbo.learning.auc.min";

    private static final Logger LOG = Logger.getLogger(LearningService.class);

    /** Stream entries read per partition and poll, at most: bounds a poll's work after a long pause or a rebuild. */
    static final int PER_PARTITION = 500;

    private final NboConfig.Learning config;
    private final ModelRepository repository;
    private final ModelStore store;
    private final Learner learner;
    private final Counter learned;
    private final Counter failures;
    private ScheduledExecutorService thread;
    private long lastFailureLogged;
    private long prunedAt = Long.MIN_VALUE;

    public LearningService(RedisConnection redis, NboConfig config, MeterRegistry registry) {
        this.config = config.learning();
        // Off the request path, and a whole models hash at start can be large: longer than a decision's command timeout.
        this.repository = new ModelRepository(redis, Duration.ofSeconds(5));
        this.store = new ModelStore(repository, true);
        Duration lease = Duration.ofMillis(Math.max(2_000, 10 * this.config.pollInterval().toMillis()));
        this.learner = new Learner(repository, UUID.randomUUID().toString(), lease, this.config.window(), PER_PARTITION, this.config.epoch(),
                Clock.systemUTC(), store::current);
        this.learned = registry.counter(LEARNED);
        this.failures = registry.counter(FAILED);
        Gauge.builder(LEADER, learner, l -> l.isLeader() ? 1 : 0).register(registry);
        Gauge.builder(LAG, store, s -> s.lagMillis() < 0 ? -1 : s.lagMillis() / 1000.0).baseUnit("seconds").register(registry);
        Gauge.builder(MODELS, store, s -> s.current().byOffer().values().stream()
                .mapToLong(a -> java.util.Arrays.stream(a).filter(java.util.Objects::nonNull).count()).sum()).register(registry);
        Gauge.builder(AUC_MIN, store, s -> lowestAuc(s.current())).register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nbo-learning");
            t.setDaemon(true);
            return t;
        });
        long every = config.pollInterval().toMillis();
        thread.scheduleWithFixedDelay(this::poll, 0, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (thread != null) {
            thread.shutdownNow();
            try {
                thread.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        repository.close();
    }

    /** One round: learn if this replica holds the lease, then bring the models in memory up to date. */
    void poll() {
        try {
            Learner.Polled polled = learner.poll();
            learned.increment(polled.learned());
            store.poll();
            long epoch = Math.floorDiv(System.currentTimeMillis(), Math.max(1, config.epoch().toMillis()));
            if (polled.leader() && epoch != prunedAt) {
                // Once an epoch, the learning replica deletes the contextual counts too old to weigh anything.
                repository.prune(epoch - Recency.DEFAULT.epochs() + 1);
                prunedAt = epoch;
            }
        } catch (RuntimeException e) {
            failures.increment();
            long now = System.currentTimeMillis();
            // Redis away for a while would log every poll: once a minute is enough to be seen.
            if (now - lastFailureLogged > 60_000) {
                lastFailureLogged = now;
                LOG.warnf("learning poll failed, will retry: %s", e.getMessage());
            }
        }
    }

    /** The lowest AUC among the models that have one, NaN when none has. */
    static double lowestAuc(Models models) {
        double lowest = Double.NaN;
        for (Models.Model[] perChannel : models.byOffer().values()) {
            for (Models.Model m : perChannel) {
                if (m != null && !Double.isNaN(m.auc()) && (Double.isNaN(lowest) || m.auc() < lowest)) {
                    lowest = m.auc();
                }
            }
        }
        return lowest;
    }

    /** Whether decisions use the learned propensities. */
    public boolean enabled() {
        return config.enabled();
    }

    /** The models decisions read now. */
    public Models current() {
        return store.current();
    }

    /** This replica's models in memory. */
    public ModelStore store() {
        return store;
    }

    /** Whether this replica learns now. */
    public boolean isLeader() {
        return learner.isLeader();
    }

    /** The settings. */
    public NboConfig.Learning config() {
        return config;
    }

    /** Forgets what was learned of one offer (every channel); the replicas follow within a poll. */
    public String reset(String offerId) {
        return repository.reset(offerId, System.currentTimeMillis());
    }

    /** Forgets everything learned: the learner reads the event streams again from their start. */
    public String rebuild() {
        return repository.reset(null, System.currentTimeMillis());
    }
}
