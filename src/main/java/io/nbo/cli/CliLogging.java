package io.nbo.cli;

import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Keeps the command line's output to what the command prints: library logging shows warnings only, on stderr. */
final class CliLogging {

    // Strong references: java.util.logging keeps loggers weakly, and a collected logger forgets its level.
    private static final Logger ROOT = Logger.getLogger("");
    private static final Logger CONNECTION = Logger.getLogger("io.nbo.redis.RedisConnection");
    private static final Logger CHANNEL = Logger.getLogger("io.lettuce.core.RedisChannelHandler");

    /** The system property naming java.util.logging's manager, and the one Quarkus' classpath expects there. */
    static final String MANAGER_PROPERTY = "java.util.logging.manager";
    static final String JBOSS_MANAGER = "org.jboss.logmanager.LogManager";

    private CliLogging() {
    }

    static void quiet() {
        // On the Quarkus classpath Netty (and so Lettuce) would pick SLF4J over JBoss LogManager, which
        // logs INFO with its own console setup; route it through java.util.logging, configured here.
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        ROOT.setLevel(Level.WARNING);
        // The import reports an unreachable Redis itself, with what to do; the background retry warning is noise.
        CONNECTION.setLevel(Level.SEVERE);
        // RedisConnection.close() shuts the client down while its own connection is still closing, so
        // Lettuce warns "Connection is already closed" at the end of every run.
        CHANNEL.setLevel(Level.SEVERE);
    }
}
