package io.nbo.learning;

import io.nbo.model.SourceError;
import java.util.List;

/** A {@code models.yaml} that cannot be used, with every error and where it is. */
public class InvalidModelsException extends Exception {

    private final List<SourceError> errors;

    public InvalidModelsException(List<SourceError> errors) {
        super(errors.isEmpty() ? "invalid models file" : errors.get(0).toString());
        this.errors = List.copyOf(errors);
    }

    public List<SourceError> errors() {
        return errors;
    }
}
