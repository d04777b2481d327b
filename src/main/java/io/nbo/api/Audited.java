package io.nbo.api;

import io.nbo.audit.AuditLog;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

/** Records audited API actions with the caller's name (the API key's name), resolved while the request is current. */
@ApplicationScoped
public class Audited {

    private final AuditLog log;
    private final CurrentIdentityAssociation identity;

    public Audited(AuditLog log, CurrentIdentityAssociation identity) {
        this.log = log;
        this.identity = identity;
    }

    /** A rule-set publish or activation; on a worker thread (the rule-set resources are blocking), done when the entry is written. */
    void ruleSet(String action, String version, String outcome) {
        log.record(actor(identity.getIdentity()), action, AuditLog.version(version), outcome).toCompletableFuture().join();
    }

    /** Another audited action (a model reset or rebuild); on a worker thread, done when the entry is written. */
    void action(String action, String target, String outcome) {
        log.record(actor(identity.getIdentity()), action, target, outcome).toCompletableFuture().join();
    }

    /** Wraps a customer deletion: its entry is written (outcome from the answer or the failure) before the answer goes out. */
    <T> Uni<T> customerDeletion(String customerId, Uni<T> deletion) {
        Uni<SecurityIdentity> who = identity.getDeferredIdentity();
        String target = AuditLog.customer(customerId);
        return deletion.onItemOrFailure().call((erased, failure) -> who.onFailure().recoverWithNull()
                .chain(caller -> Uni.createFrom().completionStage(log.record(actor(caller), AuditLog.CUSTOMER_DELETE, target,
                        outcome(failure == null ? 200 : status(failure))))));
    }

    private static int status(Throwable failure) {
        return failure instanceof ProblemException p ? p.problem().status() : 500;
    }

    static String outcome(int status) {
        if (status < 300) {
            return "ok";
        }
        return switch (status) {
            case 404 -> "not_found";
            case 400 -> "invalid";
            case 422 -> "refused";
            default -> "failed";
        };
    }

    private static String actor(SecurityIdentity caller) {
        return caller == null || caller.isAnonymous() ? "anonymous" : caller.getPrincipal().getName();
    }
}
