package io.nbo.rules;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** What changed between two rule-set versions, file by file, as unified diffs. */
public final class RuleSetDiff {

    /** One changed file: {@code added}, {@code removed} or {@code modified}, and its unified diff. */
    public record FileDiff(String file, String change, String diff) {
    }

    private RuleSetDiff() {
    }

    /** The files that differ between {@code from} and {@code to} (file name → text), in name order. */
    public static List<FileDiff> between(String fromLabel, Map<String, String> from, String toLabel, Map<String, String> to) {
        List<FileDiff> diffs = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(from.keySet());
        names.addAll(to.keySet());
        for (String name : names) {
            String a = from.get(name);
            String b = to.get(name);
            if (a != null && a.equals(b)) {
                continue;
            }
            List<String> before = a == null ? List.of() : a.lines().toList();
            List<String> after = b == null ? List.of() : b.lines().toList();
            Patch<String> patch = DiffUtils.diff(before, after);
            List<String> unified = UnifiedDiffUtils.generateUnifiedDiff(
                    a == null ? "/dev/null" : fromLabel + "/" + name, b == null ? "/dev/null" : toLabel + "/" + name, before, patch, 3);
            diffs.add(new FileDiff(name, a == null ? "added" : b == null ? "removed" : "modified", String.join("\n", unified) + "\n"));
        }
        return diffs;
    }
}
