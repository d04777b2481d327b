package io.nbo.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * An RFC 9457 problem detail: what went wrong, and for bad input, where ({@code errors}, each with
 * a JSON pointer into the request body, or a file, line and column of a rule file).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** One thing wrong with the input. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FieldError(String pointer, String detail, String file, Integer line, Integer column) {
        public static FieldError at(String pointer, String detail) {
            return new FieldError(pointer, detail, null, null, null);
        }
    }

    public static Problem of(Response.Status status, String detail) {
        return new Problem("about:blank", status.getReasonPhrase(), status.getStatusCode(), detail, null, null);
    }

    public static Problem invalid(String detail, List<FieldError> errors) {
        return new Problem("https://nbo.dev/problems/invalid-request", "Invalid request", 400, detail, null, errors);
    }

    /** {@code 503} with {@code Retry-After: 1}: the store is down or too slow, and the caller may retry shortly. */
    public static Response unavailable(String detail) {
        return Response.fromResponse(new Problem("https://nbo.dev/problems/store-unavailable", "Service Unavailable", 503, detail, null, null)
                .toResponse()).header("Retry-After", "1").build();
    }

    public Response toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }
}
