package io.nbo.events;

import java.util.List;

/** Some events of a request are invalid; nothing was stored. Each problem points into the body. */
public final class InvalidEventsException extends RuntimeException {

    /** What is wrong, and where: a JSON pointer into the request body ({@code /3/type}). */
    public record Problem(String pointer, String detail) {
    }

    private final transient List<Problem> problems;

    public InvalidEventsException(List<Problem> problems) {
        super(problems.size() == 1 ? problems.get(0).pointer() + " " + problems.get(0).detail()
                : problems.size() + " problems; nothing was stored", null, false, false);
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
