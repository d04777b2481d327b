package io.nbo.policy;

import io.nbo.model.SourceError;
import java.util.List;

/** The contact policies file has errors; each names its file and line. */
public final class InvalidPoliciesException extends Exception {

    private final transient List<SourceError> errors;

    public InvalidPoliciesException(List<SourceError> errors) {
        super(errors.size() + " error(s) in the contact policies");
        this.errors = List.copyOf(errors);
    }

    public List<SourceError> errors() {
        return errors;
    }
}
