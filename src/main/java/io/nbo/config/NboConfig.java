package io.nbo.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** All of nbo's own settings, under {@code nbo.}; each can also be set as an environment variable (NBO_REDIS_URL, ...). */
@ConfigMapping(prefix = "nbo")
public interface NboConfig {

    Redis redis();

    Rules rules();

    Decision decision();

    /** Where customer context lives. */
    interface Redis {
        /** Redis address, {@code redis://[:password@]host:port[/db]}. Default {@code redis://127.0.0.1:6379}. */
        @WithDefault("redis://127.0.0.1:6379")
        String url();

        /** Timeout of one Redis command; a decision that cannot read in time answers degraded. Default 250ms. */
        @WithDefault("250ms")
        Duration timeout();
    }

    /** The rules folder. */
    interface Rules {
        /** Folder with the DRL files and {@code offers.yaml}. Default {@code rules}. */
        @WithDefault("rules")
        String dir();

        /** How often the folder is checked for changes (by content hash); at least 1s. Default 2s. */
        @WithDefault("2s")
        Duration pollInterval();

        /** Rule firings allowed in one decision before evaluation stops. Default 10000. */
        @WithDefault("10000")
        int maxFirings();
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
    }
}
