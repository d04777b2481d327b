package io.nbo.rules;

import io.nbo.model.SourceError;
import java.util.List;

/** A rule set that cannot be used: DRL that does not compile or a catalog that does not validate. */
public final class InvalidRuleSetException extends Exception {

    private final transient List<SourceError> errors;

    public InvalidRuleSetException(List<SourceError> errors) {
        super(errors.size() + " error(s) in the rule set, first: " + errors.get(0));
        this.errors = List.copyOf(errors);
    }

    public List<SourceError> errors() {
        return errors;
    }
}
