package io.nbo.cli;

/** Something the person running the command has to fix (a file, a header, Redis); exit code 2, no stack trace. */
final class UsageProblem extends RuntimeException {

    UsageProblem(String message) {
        super(message);
    }
}
