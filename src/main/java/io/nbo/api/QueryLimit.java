package io.nbo.api;

import io.nbo.api.Problem.FieldError;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;

/**
 * A {@code limit} query parameter, read by hand: a JAX-RS {@code Integer} parameter answers
 * {@code ?limit=abc} with a 404, and lets {@code 0} or {@code -5} through; here both are a 400 naming it.
 */
final class QueryLimit {

    private QueryLimit() {
    }

    /**
     * The limit asked for: {@code fallback} when not given; a 400 unless a whole number from 1 to {@code max}.
     * Read from the query itself: the {@code @QueryParam} (kept for the OpenAPI document) is null for {@code ?limit=}.
     */
    static int parse(UriInfo uri, int fallback, int max) {
        String raw = uri.getQueryParameters().getFirst("limit");
        if (raw == null) {
            return fallback;
        }
        int limit;
        try {
            limit = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            limit = 0;
        }
        if (limit < 1 || limit > max) {
            String detail = "must be a whole number from 1 to " + max + " (got \"" + (raw.length() > 20 ? raw.substring(0, 20) + "..." : raw) + "\")";
            throw new ProblemException(Problem.invalid("query parameter limit " + detail, List.of(FieldError.at("/limit", detail))));
        }
        return limit;
    }
}
