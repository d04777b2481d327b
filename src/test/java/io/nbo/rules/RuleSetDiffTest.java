package io.nbo.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleSetDiffTest {

    @Test
    void reportsAddedRemovedAndModifiedFilesOnly() {
        Map<String, String> from = Map.of("a.drl", "one\ntwo\nthree\n", "b.drl", "same\n", "gone.drl", "x\n");
        Map<String, String> to = Map.of("a.drl", "one\nTWO\nthree\n", "b.drl", "same\n", "new.drl", "y\n");

        List<RuleSetDiff.FileDiff> diffs = RuleSetDiff.between("v1", from, "v2", to);

        assertThat(diffs).extracting(RuleSetDiff.FileDiff::file, RuleSetDiff.FileDiff::change).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a.drl", "modified"),
                org.assertj.core.groups.Tuple.tuple("gone.drl", "removed"),
                org.assertj.core.groups.Tuple.tuple("new.drl", "added"));
        assertThat(diffs.get(0).diff()).contains("--- v1/a.drl", "+++ v2/a.drl", "-two", "+TWO", " one");
        assertThat(diffs.get(1).diff()).contains("+++ /dev/null", "-x");
    }
}
