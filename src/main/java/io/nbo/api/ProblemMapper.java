package io.nbo.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.nbo.api.Problem.FieldError;
import io.nbo.context.CustomerDataValidator;
import io.nbo.context.RedisUnavailableException;
import io.nbo.security.ApiKeyMechanism;
import io.nbo.security.LogSafe;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into RFC 9457 problem+json: bad input says what and where; an unexpected
 * error is logged with an id and answered without a stack trace.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return e.problem().toResponse();
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        List<FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> FieldError.at(pointer(v), v.getMessage()))
                .sorted(Comparator.comparing(FieldError::pointer))
                .toList();
        return Problem.invalid(errors.size() == 1 ? errors.get(0).pointer() + " " + errors.get(0).detail()
                : errors.size() + " fields are invalid", errors).toResponse();
    }

    @ServerExceptionMapper
    public Response malformed(JsonParseException e) {
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return Problem.invalid("malformed JSON" + where + ": " + e.getOriginalMessage(), null).toResponse();
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        String pointer = pointer(e);
        List<String> known = e.getKnownPropertyIds() == null ? List.of()
                : e.getKnownPropertyIds().stream().map(Object::toString).sorted().toList();
        return Problem.invalid("unknown field " + pointer, List.of(FieldError.at(pointer,
                "unknown field; known fields: " + String.join(", ", known)))).toResponse();
    }

    @ServerExceptionMapper
    public Response wrongType(MismatchedInputException e) {
        String pointer = pointer(e);
        String expected = e.getTargetType() == null ? "another type" : describe(e.getTargetType());
        String detail = e instanceof InvalidFormatException f
                ? "must be " + expected + " (got " + quote(f.getValue()) + ")"
                : "must be " + expected;
        if (pointer.equals("/")) {
            return Problem.invalid("the body must be a JSON object", List.of(FieldError.at(pointer, detail))).toResponse();
        }
        return Problem.invalid(pointer + " " + detail, List.of(FieldError.at(pointer, detail))).toResponse();
    }

    @ServerExceptionMapper
    public Response otherJson(JsonProcessingException e) {
        // The body reader may hand Jackson's exception over wrapped; answer as if it came directly.
        if (e instanceof JsonParseException p) {
            return malformed(p);
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return unknownField(u);
        }
        if (e instanceof MismatchedInputException m) {
            return wrongType(m);
        }
        return Problem.invalid("cannot read the body: " + e.getOriginalMessage(), null).toResponse();
    }

    /** Redis down or too slow: the caller may retry shortly; nothing was half-written (writes are one script). */
    @ServerExceptionMapper
    public Response storeUnavailable(RedisUnavailableException e) {
        LOG.warnf("customer store unavailable: %s", e.getMessage());
        return Problem.unavailable("the customer store is unavailable; retry shortly");
    }

    /** No API key, or one that is not configured: 401 with the challenge naming the header. */
    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthenticated(RuntimeException e) {
        String detail = e instanceof AuthenticationFailedException
                ? "the API key in " + ApiKeyMechanism.HEADER + " is not valid"
                : "send an API key with a role allowed here in the " + ApiKeyMechanism.HEADER + " header";
        return Response.fromResponse(new Problem("https://nbo.dev/problems/unauthenticated", "Unauthorized", 401, detail, null, null)
                .toResponse()).header("WWW-Authenticate", ApiKeyMechanism.CHALLENGE).build();
    }

    /** A valid key without a role this endpoint allows. */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return new Problem("https://nbo.dev/problems/forbidden", "Forbidden", 403,
                "this API key has no role allowed to call this endpoint", null, null).toResponse();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        Response.Status status = Response.Status.fromStatusCode(e.getResponse().getStatus());
        int code = e.getResponse().getStatus();
        String title = status == null ? "Error" : status.getReasonPhrase();
        if (e.getCause() instanceof JsonProcessingException json) {
            return otherJson(json);
        }
        return new Problem("about:blank", title, code, e.getMessage(), null, null).toResponse();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        String id = UUID.randomUUID().toString();
        // The message may quote stored data or a body; the class and stack trace find the code.
        LOG.errorf(LogSafe.redact(e), "unexpected error %s", id);
        return new Problem("about:blank", "Internal Server Error", 500,
                "an unexpected error occurred; quote " + id + " when reporting it", null, null).toResponse();
    }

    private static String pointer(JsonMappingException e) {
        if (e.getPath().isEmpty()) {
            return "/";
        }
        return e.getPath().stream()
                .map(r -> "/" + (r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex())))
                .collect(Collectors.joining());
    }

    private static String pointer(ConstraintViolation<?> v) {
        return CustomerDataValidator.pointer(v.getPropertyPath());
    }

    private static String describe(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "text";
        }
        if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a JSON object";
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "a JSON array";
        }
        if (type == java.time.Instant.class) {
            return "an ISO instant such as 2026-11-23T12:00:00Z";
        }
        return "a " + type.getSimpleName();
    }

    private static String quote(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }
}
