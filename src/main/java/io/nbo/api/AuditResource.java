package io.nbo.api;

import io.nbo.audit.AuditLog;
import io.nbo.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** {@code GET /v1/audit}: rule-set publishes and activations and customer deletions, newest first. */
@Path("/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class AuditResource {

    private final AuditLog audit;

    public AuditResource(AuditLog audit) {
        this.audit = audit;
    }

    @GET
    @Operation(summary = "The audit log, newest first",
            description = "Who (the API key's name) published or activated which rule-set version, or deleted a customer "
                    + "(named by the SHA-256 of the id), when, and the outcome. limit: 1-1000, default 100.")
    public Uni<List<AuditLog.Entry>> recent(@Parameter(description = "How many entries, 1-1000; default 100", schema = @Schema(type = SchemaType.INTEGER,
            minimum = "1", maximum = "1000", defaultValue = "100")) @QueryParam("limit") String limit,
                                                 @Context UriInfo uri) {
        int n = QueryLimit.parse(uri, 100, 1000);
        return Uni.createFrom().completionStage(() -> audit.recent(n));
    }
}
