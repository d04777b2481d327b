package io.nbo.security;

/**
 * What of a failure may go to the log. Messages of exceptions from rules, JSON or stored data can
 * carry customer ids, profile values or request bodies, so they are left out: the log keeps the
 * exception's class and stack trace, which are enough to find the code.
 */
public final class LogSafe {

    private LogSafe() {
    }

    /** The exception chain's classes, e.g. {@code java.lang.IllegalStateException <- java.lang.NumberFormatException}. */
    public static String describe(Throwable e) {
        StringBuilder out = new StringBuilder();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            out.append(out.isEmpty() ? "" : " <- ").append(t.getClass().getName());
        }
        return out.toString();
    }

    /** A copy of the exception chain without any message, with the original stack traces, for {@code LOG.errorf(redact(e), ...)}. */
    public static Throwable redact(Throwable e) {
        return redact(e, 0);
    }

    private static Throwable redact(Throwable e, int depth) {
        if (e == null || depth > 20) {
            return null;
        }
        Redacted copy = new Redacted(e.getClass().getName(), redact(e.getCause() == e ? null : e.getCause(), depth + 1));
        copy.setStackTrace(e.getStackTrace());
        return copy;
    }

    /** An exception that names the class of the one it stands for, and has its stack trace. */
    static final class Redacted extends RuntimeException {
        Redacted(String className, Throwable cause) {
            super(className + " (message withheld: it may carry personal data)", cause, false, true);
        }
    }
}
