package io.nbo.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nbo.config.NboConfig;
import io.nbo.redis.RedisConnection;
import io.nbo.rules.FolderPublisher;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * Who published or activated a rule set, or deleted a customer, when, and how it ended. Each entry is
 * one JSON line in the log category {@code nbo.audit} (for the log pipeline, which keeps them all) and
 * one entry of the capped Redis stream {@code nbo:{audit}:log} (read back by {@code GET /v1/audit}).
 * The actor is a key's name, never a key; a customer is named by the SHA-256 of the id, never the id.
 */
@ApplicationScoped
public class AuditLog {

    public static final String PUBLISH = "ruleset.publish";
    public static final String ACTIVATE = "ruleset.activate";
    public static final String CUSTOMER_DELETE = "customer.delete";
    public static final String MODEL_RESET = "model.reset";
    public static final String MODEL_REBUILD = "model.rebuild";
    /** The actor of the rules folder's publishes. */
    public static final String FOLDER = "rules folder";

    private static final Logger AUDIT = Logger.getLogger("nbo.audit");
    private static final Logger LOG = Logger.getLogger(AuditLog.class);

    /** One audited action; {@code id} is the stream entry's id (null before it is stored). */
    @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "AuditEntry")
    public record Entry(String id, Instant at, String actor, String action, String target, String outcome) {
    }

    private final AuditStore store;
    private final ObjectMapper json;
    private final Clock clock;

    public AuditLog(RedisConnection redis, ObjectMapper json, NboConfig config) {
        this.store = new AuditStore(redis, config.audit().maxEntries());
        this.json = json;
        this.clock = Clock.systemUTC();
    }

    /**
     * Writes the entry to the log, then to Redis. Never fails: an entry Redis cannot take is still in
     * the log, with a warning.
     *
     * @param target what was acted on: {@code version VERSION}, or {@link #customer(String)}
     * @param outcome {@code ok}, {@code refused}, {@code not_found}, {@code invalid} or {@code failed}
     */
    public CompletionStage<Void> record(String actor, String action, String target, String outcome) {
        Entry entry = new Entry(null, clock.instant(), actor, action, target, outcome);
        String line;
        try {
            line = json.writeValueAsString(new Line(entry.at().toString(), actor, action, target, outcome));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an audit entry is plain text", e);
        }
        AUDIT.info(line);
        return store.append(line).handle((id, error) -> {
                    if (error != null) {
                        LOG.warnf("audit entry not stored in Redis (it is in the nbo.audit log): %s", error.getMessage());
                    }
                    return null;
                });
    }

    /**
     * Audits what the rules folder publishes while the service runs (a ConfigMap update, an edit on
     * disk), as the API's publishes are audited by their resource; the actor is {@code rules folder}.
     */
    void auditFolderPublishes(@Observes StartupEvent started, FolderPublisher folder) {
        folder.onFolderPublish((version, outcome) -> record(FOLDER, PUBLISH, version(version), outcome));
    }

    /** The newest entries first, at most {@code limit}. */
    public CompletionStage<List<Entry>> recent(int limit) {
        return store.newest(limit).thenApply(stored -> {
            List<Entry> out = new ArrayList<>();
            for (AuditStore.Stored s : stored) {
                try {
                    Line l = json.readValue(s.line(), Line.class);
                    out.add(new Entry(s.id(), Instant.parse(l.at()), l.actor(), l.action(), l.target(), l.outcome()));
                } catch (JsonProcessingException | RuntimeException e) {
                    out.add(new Entry(s.id(), null, null, null, null, "unreadable"));
                }
            }
            return out;
        });
    }

    /** How a customer is named in the audit log: {@code customer sha256:HEX} of the id, never the id itself. */
    public static String customer(String customerId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(customerId.getBytes(StandardCharsets.UTF_8));
            return "customer sha256:" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** How a rule-set version is named: {@code version VERSION}, or {@code version unknown} when it did not compile far enough to have one. */
    public static String version(String version) {
        return "version " + (version == null ? "unknown" : version);
    }

    /** The JSON line, fields in this order. */
    record Line(String at, String actor, String action, String target, String outcome) {
    }
}
