package io.nbo.offers;

import io.nbo.model.SourceError;
import java.util.List;

/** The offer catalog has errors; each names the file, the line and what is wrong. */
public final class InvalidCatalogException extends Exception {

    private final transient List<SourceError> errors;

    public InvalidCatalogException(List<SourceError> errors) {
        super(errors.size() + " error(s) in the offer catalog, first: " + errors.get(0));
        this.errors = List.copyOf(errors);
    }

    public List<SourceError> errors() {
        return errors;
    }
}
