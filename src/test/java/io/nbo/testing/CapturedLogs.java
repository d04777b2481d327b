package io.nbo.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Everything logged in this JVM (the application under test included) while it is open, as the
 * text an operator would see: the formatted message, its category, and any exception with its
 * messages and stack trace.
 */
public final class CapturedLogs extends Handler implements AutoCloseable {

    /** One record, as text. */
    public record Line(String category, Level level, String text) {
    }

    private final List<Line> lines = new ArrayList<>();
    private final Logger root = Logger.getLogger("");

    private CapturedLogs() {
        setLevel(Level.ALL);
        root.addHandler(this);
    }

    public static CapturedLogs start() {
        return new CapturedLogs();
    }

    @Override
    public synchronized void publish(LogRecord record) {
        StringBuilder text = new StringBuilder();
        if (record instanceof org.jboss.logmanager.ExtLogRecord ext) {
            text.append(ext.getFormattedMessage());
        } else {
            text.append(new java.util.logging.SimpleFormatter().formatMessage(record));
        }
        text.append(' ').append(record.getMessage());
        if (record.getParameters() != null) {
            for (Object p : record.getParameters()) {
                text.append(' ').append(p);
            }
        }
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            text.append('\n').append(trace);
        }
        lines.add(new Line(record.getLoggerName(), record.getLevel(), text.toString()));
    }

    public synchronized List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The lines of one category, e.g. {@code nbo.audit}. */
    public synchronized List<String> of(String category) {
        return lines.stream().filter(l -> category.equals(l.category())).map(Line::text).toList();
    }

    /** All of it, one record after another. */
    public synchronized String all() {
        StringBuilder out = new StringBuilder();
        lines.forEach(l -> out.append(l.level()).append(' ').append(l.category()).append(": ").append(l.text()).append('\n'));
        return out.toString();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        root.removeHandler(this);
    }
}
