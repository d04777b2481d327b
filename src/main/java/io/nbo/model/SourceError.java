package io.nbo.model;

/**
 * An error in a file marketers edit (DRL or the offer catalog): where it is and what is wrong.
 * Line and column are 1-based; 0 means unknown.
 */
public record SourceError(String file, int line, int column, String message) {

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line + (column > 0 ? ":" + column : "") : "") + ": " + message;
    }
}
