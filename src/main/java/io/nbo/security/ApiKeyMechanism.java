package io.nbo.security;

import io.nbo.config.NboConfig;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * Reads the API key from {@code X-API-Key} and has {@link ApiKeyIdentityProvider} check it. It leaves
 * {@code Authorization} alone, so an OIDC mechanism ({@code quarkus-oidc}, bearer tokens) can be added
 * beside it without touching the resources: both end in a {@code SecurityIdentity} with roles, which
 * {@code @RolesAllowed} checks. A request without the header is anonymous (and refused by any endpoint
 * that needs a role). With {@code nbo.security.enabled=false} every request gets every role.
 */
@ApplicationScoped
public class ApiKeyMechanism implements HttpAuthenticationMechanism {

    /** The header callers send their key in. */
    public static final String HEADER = "X-API-Key";
    /** The challenge of a 401: which header to send the key in. */
    public static final String CHALLENGE = "ApiKey header=\"" + HEADER + "\"";

    private static final SecurityIdentity EVERYONE = QuarkusSecurityIdentity.builder()
            .setPrincipal(new QuarkusPrincipal("security-disabled")).addRoles(Roles.ALL).build();
    private static final String PROBLEM = "{\"type\":\"https://nbo.dev/problems/unauthenticated\",\"title\":\"Unauthorized\","
            + "\"status\":401,\"detail\":\"send an API key with a role allowed here in the " + HEADER + " header\"}";

    private final boolean enabled;

    public ApiKeyMechanism(NboConfig config) {
        this.enabled = config.security().enabled();
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        if (!enabled) {
            return Uni.createFrom().item(EVERYONE);
        }
        String key = context.request().getHeader(HEADER);
        if (key == null) {
            return Uni.createFrom().nullItem();
        }
        return identityProviderManager.authenticate(HttpSecurityUtils.setRoutingContextAttribute(new ApiKeyAuthenticationRequest(key), context));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", CHALLENGE));
    }

    /** A 401 decided outside the REST layer (a protected /q/metrics) answers problem+json too. */
    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        if (!context.response().ended()) {
            context.response().setStatusCode(401).putHeader("WWW-Authenticate", CHALLENGE)
                    .putHeader("Content-Type", "application/problem+json").end(PROBLEM);
        }
        return Uni.createFrom().item(true);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiKeyAuthenticationRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.OTHER_HEADER, HEADER));
    }
}
