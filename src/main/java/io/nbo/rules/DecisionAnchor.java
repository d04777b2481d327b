package io.nbo.rules;

import io.nbo.model.SourceError;
import io.nbo.rules.sandbox.ParsedDrl;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.drools.drl.ast.descr.BaseDescr;
import org.drools.drl.ast.descr.PackageDescr;
import org.drools.drl.ast.descr.PatternDescr;
import org.drools.drl.ast.descr.RuleDescr;

/**
 * Makes every rule match something that changes with each decision. A {@link ResidentSession} keeps
 * the result and the offers between decisions, so a rule on those alone ("Everyone is shown the
 * Black Friday sale": {@code Result} and an {@code Offer}) would fire once for the life of the
 * session, not once per decision. Such a rule gets a {@code Request()} pattern appended to its
 * conditions; it always matches the one request of a decision, so what the rule means is unchanged.
 *
 * <p>The pattern goes at the end of the rule's last condition, on the same line, so the lines and
 * columns Drools reports for the file stay those the marketer wrote.
 */
final class DecisionAnchor {

    /** Fact types inserted per decision. */
    private static final Set<String> PER_DECISION = Set.of("Customer", "Request", "io.nbo.model.Customer", "io.nbo.model.Request");
    private static final String ANCHOR = " Request()";

    /** A file as it is compiled, and the rules that could not be anchored. */
    record Anchored(String text, List<SourceError> errors) {
    }

    private DecisionAnchor() {
    }

    /** The file with an anchor added to each rule that needs one; unchanged when it does not parse. */
    static Anchored anchor(ParsedDrl drl) {
        String file = drl.file();
        String text = drl.text();
        PackageDescr pkg = drl.pkg();
        if (pkg == null) {
            return new Anchored(text, List.of());
        }
        List<Integer> at = new ArrayList<>();
        List<SourceError> errors = new ArrayList<>();
        for (RuleDescr rule : pkg.getRules()) {
            if (rule.isQuery() || matchesPerDecision(rule)) {
                continue;
            }
            if (rule.getLhs().getStartCharacter() < 0) {
                errors.add(new SourceError(file, rule.getLine(), Math.max(rule.getColumn(), 0) + 1, "rule \"" + rule.getName()
                        + "\" has no conditions (no when): write \"when Request()\" to apply it to every request"));
                continue;
            }
            List<BaseDescr> conditions = rule.getLhs().getDescrs();
            at.add(conditions.isEmpty() ? rule.getLhs().getStartCharacter() : conditions.get(conditions.size() - 1).getEndCharacter());
        }
        if (at.isEmpty()) {
            return new Anchored(text, errors);
        }
        StringBuilder out = new StringBuilder(text.length() + at.size() * ANCHOR.length());
        int from = 0;
        for (int i : at) {
            out.append(text, from, i).append(ANCHOR).append(' ');
            from = i;
        }
        out.append(text, from, text.length());
        return new Anchored(out.toString(), errors);
    }

    /** Whether a top-level condition of the rule is a pattern on the customer or the request itself. */
    private static boolean matchesPerDecision(RuleDescr rule) {
        for (BaseDescr d : rule.getLhs().getDescrs()) {
            if (d instanceof PatternDescr p && p.getSource() == null && PER_DECISION.contains(p.getObjectType())) {
                return true;
            }
        }
        return false;
    }
}
