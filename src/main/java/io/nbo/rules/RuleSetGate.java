package io.nbo.rules;

import java.util.List;
import java.util.Map;

/** A check a candidate rule set must pass before it is published: the marketers' scenario tests. */
public interface RuleSetGate {

    /**
     * Runs the scenario files among {@code files} (names starting {@code tests/}) against the candidate.
     *
     * @return one line per failure ("tests/x.yaml: expected ..."); empty when all pass
     */
    List<String> failures(RuleSet candidate, Map<String, String> files);
}
