package io.nbo.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/** All of nbo's own settings, under {@code nbo.}; each can also be set as an environment variable (NBO_REDIS_URL, ...). */
@ConfigMapping(prefix = "nbo")
public interface NboConfig {

    Redis redis();

    Rules rules();

    Decision decision();

    Api api();

    Simulations simulation();

    Events events();

    Learning learning();

    Benchmark benchmark();

    Security security();

    Audit audit();

    /** HTTP API limits. */
    interface Api {
        /** Largest request body, except rule-set uploads (up to quarkus.http.limits.max-body-size). Default 256K. */
        @WithDefault("256K")
        io.quarkus.runtime.configuration.MemorySize maxBodySize();
    }

    /** Where customer context lives. */
    interface Redis {
        /**
         * Redis address, {@code redis://[:password@]host:port[/db]}; for a Redis Cluster, one or more
         * seed nodes separated by commas ({@code redis://[:password@]host:port,host:port}; the first
         * one's credentials serve every node). Default {@code redis://127.0.0.1:6379}.
         */
        @WithDefault("redis://127.0.0.1:6379")
        String url();

        /**
         * Whether {@code url} names a Redis Cluster: Lettuce's cluster client sends each command to the
         * master of its slot and follows failovers and reshardings. Default false.
         */
        @WithDefault("false")
        boolean cluster();

        /**
         * Timeout of one Redis command of a decision or a write; a decision that cannot read in time answers
         * degraded. Connecting (2 s), rule-set versions and simulations (5 s) have their own. Default 250ms.
         */
        @WithDefault("250ms")
        Duration timeout();

        /** The circuit breaker in front of Redis. */
        Breaker breaker();

        /**
         * When Redis keeps failing, the breaker opens: calls fail at once (decisions answer degraded,
         * writes 503) instead of each waiting for the timeout; after {@code open-for} the next few calls
         * probe whether Redis is back.
         */
        interface Breaker {
            /** Whether the breaker is on. Default true. */
            @WithDefault("true")
            boolean enabled();

            /** Percentage of failed calls in the window that opens the breaker. Default 50. */
            @WithDefault("50")
            @Min(1)
            @Max(100)
            int failureRate();

            /** Calls the window must hold before the failure rate counts. Default 20. */
            @WithDefault("20")
            @Min(1)
            int minimumCalls();

            /** The sliding window the failure rate is taken over (whole seconds). Default 5s. */
            @WithDefault("5s")
            Duration window();

            /** How long the breaker stays open before calls probe Redis again. Default 1s. */
            @WithDefault("1s")
            Duration openFor();

            /** Calls let through as probes while half-open; all must succeed to close. Default 5. */
            @WithDefault("5")
            @Min(1)
            int probes();
        }
    }

    /** Health checks. */
    Health health();

    /** What the readiness probe reports. */
    interface Health {
        /**
         * Whether the service stays ready while Redis is down and decisions answer degraded (on the
         * request context alone, the fallback offer). True keeps pages served during a Redis outage;
         * false takes the replica out of its load balancer instead. Default true.
         */
        @WithDefault("true")
        boolean readyWhenDegraded();
    }

    /** Load shedding. */
    Overload overload();

    /**
     * Bounded concurrency on the channels' paths: beyond the limit a request is refused at once with
     * {@code 503} and {@code Retry-After}, instead of queueing into seconds of latency.
     */
    interface Overload {
        /**
         * Decisions ({@code /v1/decisions}, and the benchmark floor) in flight at once on one replica;
         * one more is shed. 0 turns shedding off. Default 64: at three times capacity, 32 kept the
         * answered ones' p99 at 123 ms and 128 let it grow to 515 ms (load-tests/README.md), while a
         * healthy replica at 4,800 decisions/s has about 15 in flight.
         */
        @WithDefault("64")
        @Min(0)
        int maxDecisions();

        /** Event batches ({@code /v1/events}) in flight at once on one replica; one more is shed. 0 turns it off. Default 64. */
        @WithDefault("64")
        @Min(0)
        int maxEventBatches();
    }

    /** The rules folder. */
    interface Rules {
        /** Folder with the DRL files and {@code offers.yaml}. Default {@code rules}. */
        @WithDefault("rules")
        String dir();

        /**
         * How often the folder is checked for changes (by content hash) and the active version in
         * Redis is checked (pub/sub usually tells sooner); at least 1s. Default 1s.
         */
        @WithDefault("1s")
        Duration pollInterval();

        /**
         * Whether changes to the rules folder are published as new versions. Turn off on replicas
         * that should only follow versions published through the API. Default true.
         */
        @WithDefault("true")
        boolean watchFolder();

        /** Rule firings allowed in one decision before evaluation stops. Default 10000. */
        @WithDefault("10000")
        int maxFirings();

        /**
         * Time the rules may take in one decision, from inserting the customer and the request (their
         * conditions included) to the last firing; matches still pending then are not fired. Default 50ms.
         */
        @WithDefault("50ms")
        Duration timeBudget();

        /**
         * How this replica names itself to the others (in {@code /v1/rulesets/replicas} and publish
         * answers). Default: host name (the pod name on Kubernetes), process id and a random suffix.
         */
        java.util.Optional<String> replicaId();

        /**
         * How long a publish or rollback waits for every live replica to compile the new version
         * before making it active anyway; replicas still compiling are named in the answer. Default 30s.
         */
        @WithDefault("30s")
        Duration rolloutTimeout();
    }

    /** Defaults of a decision. */
    interface Decision {
        /** Offers returned when a request gives no {@code limit}. Default 1. */
        @WithDefault("1")
        int defaultLimit();

        /** Newest recent events a decision reads per customer. Default 50. */
        @WithDefault("50")
        int recentEvents();

        /** Prior clicks of the propensity estimate (clicks + a) / (sent + b). Default 1. */
        @WithDefault("1")
        double priorClicks();

        /** Prior trials of the propensity estimate (clicks + a) / (sent + b). Default 20 (a 5% prior). */
        @WithDefault("20")
        double priorTrials();

        /**
         * How long a decision that served offers to a known customer is kept, so that events naming
         * it are attributed to its offers, channels and rule-set version. About 300 bytes each in
         * Redis. Default 24h.
         */
        @WithDefault("24h")
        Duration recordFor();
    }

    /** Simulations run as jobs through the API; jobs live in memory on the replica that runs them. */
    interface Simulations {
        /** Simulations running at once on this replica; one more is refused (429, Retry-After) until one ends. Default 2. */
        @WithDefault("2")
        @Min(1)
        int maxRunning();

        /** How long a finished job, with its report, is kept. Default 1h. */
        @WithDefault("1h")
        Duration keepFor();

        /** Finished jobs kept at most; beyond it the oldest are dropped first. Default 100. */
        @WithDefault("100")
        @Min(1)
        int maxKept();
    }

    /** Response and behaviour events ({@code POST /v1/events}) and the offer report. */
    interface Events {
        /**
         * How long an event id is remembered per customer, so a retry is applied once; events older
         * than this are refused, since their retry could no longer be recognised. Default 30d.
         */
        @WithDefault("30d")
        Duration dedupeWindow();

        /** How long events are kept in the partitions' Redis streams. Default 7d. */
        @WithDefault("7d")
        Duration retention();

        /** How long a customer's contact history (offers served and responses) is kept, for contact policies. Default 90d. */
        @WithDefault("90d")
        Duration contactRetention();

        /** How long a day's report counters are kept, counted from that day. Default 400d. */
        @WithDefault("400d")
        Duration reportTtl();

        /**
         * Time Redis may take for one event's script, counted from when its batch is sent: the calls
         * of a batch of up to 1,000 queue behind each other, so this is longer than nbo.redis.timeout.
         * Past it the batch is answered 503 (retry it). Also bounds each partition's report script. Default 2s.
         */
        @WithDefault("2s")
        Duration timeout();

        /** Largest {@code POST /v1/events} body (a batch of up to 1,000 events). Default 2M. */
        @WithDefault("2M")
        io.quarkus.runtime.configuration.MemorySize maxBodySize();
    }

    /**
     * Learning: propensities per offer and channel, learned from impressions and responses (rules/README.md,
     * "Learning"). The models live in Redis under {@code nbo:{learning}:}, are updated from the partitions'
     * event streams exactly once by one replica at a time, and every replica reads them from memory.
     */
    interface Learning {
        /**
         * Whether decisions use the learned propensities (with exploration as models.yaml says) and the
         * models learn. Off, the propensity is the engagement formula alone, as before learning. Default true.
         */
        @WithDefault("true")
        boolean enabled();

        /** Offer event types that count as a trial of an offer: at most one per offer and decision. Default impression. */
        @WithDefault("impression")
        java.util.List<String> trials();

        /** Offer event types that count as a positive response: at most one per offer and decision. Default click, accept, conversion. */
        @WithDefault("click,accept,conversion")
        java.util.List<String> positives();

        /** A positive teaches only if it comes within this long of its decision. Default 7d. */
        @WithDefault("7d")
        Duration window();

        /** How many impressions the prior (the engagement formula) counts as: a model's evidence outweighs it past this. Default 20. */
        @WithDefault("20")
        @Min(1)
        int priorStrength();

        /**
         * How often the learning replica reads the event streams, and every replica the models' changes; an
         * event's effect reaches decisions on every replica within about two of these plus the apply. Default 200ms.
         */
        @WithDefault("200ms")
        Duration pollInterval();

        /** Draws of the ranking per decision that estimate each served offer's choice probability, when sampling. Default 100. */
        @WithDefault("100")
        @Min(0)
        int choiceDraws();

        /**
         * The period the contextual model's counts are kept per: recent epochs weigh more (half as much every 4 epochs,
         * 32 kept), so the model follows customers whose response changes with the season. Default 1d.
         */
        @WithDefault("1d")
        Duration epoch();

        /** A model with fewer impressions than this is reported as in its cold start. Default 100. */
        @WithDefault("100")
        @Min(1)
        long coldStart();
    }

    /** Endpoints for measuring the service itself, never for channels. */
    interface Benchmark {
        /**
         * Whether {@code POST /bench/floor} answers: the decision's Redis read and a small JSON answer,
         * without rules, policies or commit, as the floor load tests compare decisions with. Off, it is
         * 404 like any unknown path. Default false.
         */
        @WithDefault("false")
        boolean floorEnabled();
    }

    /** Who may call what: API keys with roles ({@code channel}, {@code marketer}, {@code admin}, {@code metrics}). */
    interface Security {
        /**
         * Whether every {@code /v1} endpoint needs an API key in {@code X-API-Key} with the endpoint's role.
         * Off, every caller may call everything (for tests and local experiments only). Default true.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * The API keys, as {@code NAME:ROLE[+ROLE...]:SHA256HEX} entries separated by commas, spaces or
         * new lines, e.g. {@code web:channel:9f86d0...,ops:admin+marketer:2c26b4...}; the hash is the
         * SHA-256 of the key, in hex ({@code nbo keys hash}). One string, so that a single environment
         * variable from a Kubernetes Secret carries them all. Default: none (every protected call is 401).
         */
        java.util.Optional<String> keys();

        /** Whether {@code /q/metrics} also needs a key with the role {@code metrics} or {@code admin}. Default false. */
        @WithDefault("false")
        boolean protectMetrics();
    }

    /** The audit log of rule-set publishes and activations and customer deletions. */
    interface Audit {
        /** Entries kept in the Redis stream {@code nbo:{audit}:log} (about, trimmed approximately); the log category keeps all. Default 100000. */
        @WithDefault("100000")
        @Min(1)
        long maxEntries();
    }
}
