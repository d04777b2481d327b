package io.nbo.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.nbo.api.Problem.FieldError;
import io.nbo.context.CustomerDataValidator;
import io.nbo.config.StoreUnavailableException;
import io.nbo.security.ApiKeyMechanism;
import io.nbo.security.LogSafe;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
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
        String where = where(e);
        String message = e.getOriginalMessage();
        if (message.startsWith("Duplicate field ")) {
            // StrictJson: a key twice in one object is refused, not "the last one wins".
            String pointer = duplicatePointer(e, message);
            return Problem.invalid("malformed JSON" + where + ": the field " + pointer + " is given twice",
                    List.of(FieldError.at(pointer, "given twice; give each field once"))).toResponse();
        }
        if (message.startsWith("Unexpected close marker") && e.getProcessor() != null && e.getProcessor().getParsingContext().inRoot()) {
            return Problem.invalid("malformed JSON" + where + ": more text after the JSON value; send one JSON value", null).toResponse();
        }
        return Problem.invalid("malformed JSON" + where + ": " + message, null).toResponse();
    }

    /** A nesting, number or text beyond Jackson's read limits. */
    @ServerExceptionMapper
    public Response tooLarge(StreamConstraintsException e) {
        return Problem.invalid("the body is nested too deeply or holds a number or text too long to read", null).toResponse();
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
        if (e.getOriginalMessage().startsWith("Trailing token")) {
            // StrictJson: FAIL_ON_TRAILING_TOKENS
            return Problem.invalid("malformed JSON" + where(e) + ": more text after the JSON value; send one JSON value", null).toResponse();
        }
        String expected = e.getTargetType() == null ? "a value of another kind" : describe(e.getTargetType());
        String detail = e instanceof InvalidFormatException f
                ? "must be " + expected + " (got " + quote(f.getValue()) + ")"
                : e instanceof InvalidNullException
                ? "must be " + expected + ", not null (leave it out instead)"
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
        // A parse error inside a value (a key twice in the context) comes wrapped in a mapping error.
        if (e.getCause() instanceof JsonParseException p) {
            return malformed(p);
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return unknownField(u);
        }
        if (e instanceof MismatchedInputException m) {
            return wrongType(m);
        }
        if (e instanceof StreamConstraintsException c) {
            return tooLarge(c);
        }
        if (e.getCause() instanceof StreamConstraintsException c) {
            return tooLarge(c);
        }
        // Jackson's own text names Java classes; say where, in the caller's terms.
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            String pointer = pointer(m);
            String detail = m.getCause() instanceof IllegalArgumentException bad && bad.getMessage() != null ? bad.getMessage() : "is not valid here";
            return Problem.invalid(pointer + " " + detail, List.of(FieldError.at(pointer, detail))).toResponse();
        }
        return Problem.invalid("cannot read the body as the JSON this endpoint takes", null).toResponse();
    }

    /** Redis down or too slow: the caller may retry shortly; nothing was half-written (writes are one script). */
    @ServerExceptionMapper
    public Response storeUnavailable(StoreUnavailableException e) {
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
    public Response web(WebApplicationException e, HttpServerRequest request) {
        Response.Status status = Response.Status.fromStatusCode(e.getResponse().getStatus());
        int code = e.getResponse().getStatus();
        String title = status == null ? "Error" : status.getReasonPhrase();
        if (e.getCause() instanceof JsonProcessingException json) {
            return otherJson(json);
        }
        // The framework's messages name Java annotations (@Consumes) and classes: say it in HTTP terms.
        java.util.Set<String> allowed = code == 405 ? AllowedMethods.of(request.path()) : java.util.Set.of();
        String detail = switch (code) {
            // The same for every unknown path (a disabled endpoint included), echoing nothing of the request.
            case 404 -> "no such endpoint; the API is described at /q/openapi";
            case 405 -> request.path() + " does not take " + request.method() + (allowed.isEmpty() ? "" : "; it takes " + String.join(", ", allowed));
            case 406 -> "this endpoint answers " + MediaType.APPLICATION_JSON + "; accept it (Accept: " + MediaType.APPLICATION_JSON + " or */*)";
            case 415 -> "send the body as JSON with Content-Type: " + MediaType.APPLICATION_JSON
                    + (request.getHeader("Content-Type") == null ? "" : " (got " + request.getHeader("Content-Type") + ")");
            default -> title;
        };
        Response.ResponseBuilder answer = Response.fromResponse(new Problem("about:blank", title, code, detail, null, null).toResponse());
        if (!allowed.isEmpty()) {
            answer.allow(allowed);
        }
        return answer.build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        String id = UUID.randomUUID().toString();
        // The message may quote stored data or a body; the class and stack trace find the code.
        LOG.errorf(LogSafe.redact(e), "unexpected error %s", id);
        return new Problem("about:blank", "Internal Server Error", 500,
                "an unexpected error occurred; quote " + id + " when reporting it", null, null).toResponse();
    }

    /** " at line L, column C", or "" when Jackson does not know. */
    private static String where(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    /** The JSON pointer of a field given twice, from the parser's position: {@code /context/campaign}. */
    private static String duplicatePointer(JsonParseException e, String message) {
        String name = message.substring("Duplicate field ".length()).replaceAll("^'|'$", "");
        JsonParser p = e.getProcessor();
        String parent = p != null && p.getParsingContext() != null ? p.getParsingContext().pathAsPointer().toString() : "";
        // The parser stands at the duplicate itself, or at the object that holds it.
        return parent.endsWith("/" + name) ? parent : parent + "/" + name;
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
        if (type == java.time.LocalDate.class) {
            return "an ISO date such as 2026-11-23";
        }
        return "a value of another kind";
    }

    private static String quote(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }
}
