package io.nbo.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A body sent without a {@code Content-Type} is refused with a 400 before it is read: the framework
 * would otherwise take it for whatever the endpoint consumes, and read it as JSON.
 */
public class ContentTypeFilter {

    @ServerRequestFilter
    public Optional<Response> requireContentType(ContainerRequestContext request) {
        if (request.getMediaType() != null || !hasBody(request)) {
            return Optional.empty();
        }
        return Optional.of(Problem.invalid("the request has a body but no Content-Type header; send it as JSON with "
                + "Content-Type: application/json", null).toResponse());
    }

    private static boolean hasBody(ContainerRequestContext request) {
        String length = request.getHeaderString("Content-Length");
        if (length != null) {
            return !length.trim().equals("0");
        }
        String encoding = request.getHeaderString("Transfer-Encoding");
        return encoding != null && encoding.toLowerCase(java.util.Locale.ROOT).contains("chunked");
    }
}
