package io.nbo.security;

import io.nbo.config.NboConfig;
import io.quarkus.runtime.Startup;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Turns an API key into an identity named after the key's entry in {@code nbo.security.keys}, with its
 * roles; an unknown key fails authentication (401). Hashing is microseconds, so it runs inline.
 */
@ApplicationScoped
@Startup
public class ApiKeyIdentityProvider implements IdentityProvider<ApiKeyAuthenticationRequest> {

    private static final Logger LOG = Logger.getLogger(ApiKeyIdentityProvider.class);

    private final ApiKeys keys;

    public ApiKeyIdentityProvider(NboConfig config) {
        // A bad entry stops the start, naming the entry (never its hash).
        this.keys = ApiKeys.parse(config.security().keys().orElse(""));
        if (!config.security().enabled()) {
            LOG.warn("access control is OFF (nbo.security.enabled=false): every caller may call every endpoint");
        } else if (keys.size() == 0) {
            LOG.warn("access control is on but nbo.security.keys is empty: every /v1 request is refused with 401");
        } else {
            LOG.infof("access control is on: %d API key(s)", keys.size());
        }
    }

    @Override
    public Class<ApiKeyAuthenticationRequest> getRequestType() {
        return ApiKeyAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiKeyAuthenticationRequest request, AuthenticationRequestContext context) {
        return keys.match(request.key())
                .<Uni<SecurityIdentity>>map(entry -> Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                        .setPrincipal(new io.quarkus.security.runtime.QuarkusPrincipal(entry.name()))
                        .addRoles(entry.roles())
                        .build()))
                .orElseGet(() -> Uni.createFrom().failure(new AuthenticationFailedException("unknown API key")));
    }
}
