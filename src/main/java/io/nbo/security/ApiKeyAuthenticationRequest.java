package io.nbo.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** The key a caller sent in {@code X-API-Key}; its own type, so an OIDC provider added later never sees it. */
public final class ApiKeyAuthenticationRequest extends BaseAuthenticationRequest {

    private final String key;

    public ApiKeyAuthenticationRequest(String key) {
        this.key = key;
    }

    String key() {
        return key;
    }

    @Override
    public String toString() {
        return "ApiKeyAuthenticationRequest[key hidden]";
    }
}
