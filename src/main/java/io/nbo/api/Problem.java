package io.nbo.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An RFC 9457 problem detail: what went wrong, and for bad input, where ({@code errors}, each with
 * a JSON pointer into the request body, or a file, line and column of a rule file).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Problem", description = "An RFC 9457 problem detail, answered as application/problem+json with every error status")
public record Problem(
        @Schema(required = true, description = "A URI naming the kind of problem; about:blank when the status says it all",
                examples = "https://nbo.dev/problems/invalid-request")
        String type,
        @Schema(required = true, description = "A short summary of the kind of problem", examples = "Invalid request")
        String title,
        @Schema(required = true, minimum = "400", maximum = "599", description = "The HTTP status", examples = "400")
        int status,
        @Schema(required = true, description = "What went wrong, in the caller's terms", examples = "/limit must be less than or equal to 20")
        String detail,
        @Schema(description = "This occurrence of the problem, when it has an address")
        String instance,
        @Schema(description = "For bad input: each thing wrong, with where it is")
        List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** One thing wrong with the input. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "FieldError")
    public record FieldError(
            @Schema(required = true, description = "A JSON pointer (RFC 6901) into the request body (/limit, /3/type), or to a "
                    + "path or query parameter by its name (/id, /limit), or to a rule-set file (/files/cart.drl)", examples = "/limit")
            String pointer,
            @Schema(required = true, description = "What is wrong there", examples = "must be less than or equal to 20")
            String detail,
            @Schema(description = "The rule-set file, for an error in one")
            String file,
            @Schema(description = "1-based line in that file, when known")
            Integer line,
            @Schema(description = "1-based column in that file, when known")
            Integer column) {
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
