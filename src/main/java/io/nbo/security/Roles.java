package io.nbo.security;

import java.util.Set;

/** The roles an API key can hold; a key may hold several. */
public final class Roles {

    /** Channels: decisions and events. */
    public static final String CHANNEL = "channel";
    /** Marketers: rule sets (validate, publish, roll back, simulate) and the offer report. */
    public static final String MARKETER = "marketer";
    /** Administrators: customer data, the audit log, the replicas. */
    public static final String ADMIN = "admin";
    /** Prometheus: {@code /q/metrics}, when {@code nbo.security.protect-metrics} is on. */
    public static final String METRICS = "metrics";

    public static final Set<String> ALL = Set.of(CHANNEL, MARKETER, ADMIN, METRICS);

    private Roles() {
    }
}
