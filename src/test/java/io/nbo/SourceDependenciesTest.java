package io.nbo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package directions of {@link ArchitectureTest}, read from the source. javac inlines the constants a class takes
 * from another (a {@code static final} String or number), so the bytecode ArchUnit reads has no trace of them: rules
 * once used health's meter names while health used rules, a cycle no ArchUnit rule saw. Here every import and
 * qualified name counts.
 */
class SourceDependenciesTest {

    private static final Path MAIN = Path.of("src/main/java/io/nbo");
    /** A package named in code: {@code io.nbo.rules.sandbox.DrlSandbox} or {@code io.nbo.model.*} gives {@code rules.sandbox}, {@code model}. */
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.nbo\\.((?:[a-z_][a-z0-9_]*\\.)+)(?=[A-Z*])");

    /** Package (below io.nbo) to the packages its source names, each with the files that name it. */
    private static final Map<String, Map<String, Set<String>>> USES = new TreeMap<>();

    @BeforeAll
    static void readTheSource() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String from = MAIN.relativize(file.getParent()).toString().replace('/', '.');
                Matcher m = REFERENCE.matcher(code(Files.readString(file)));
                while (m.find()) {
                    String to = m.group(1).substring(0, m.group(1).length() - 1);
                    if (!to.equals(from)) {
                        USES.computeIfAbsent(from, k -> new TreeMap<>()).computeIfAbsent(to, k -> new TreeSet<>())
                                .add(file.getFileName().toString());
                    }
                }
            }
        }
    }

    @Test
    void theReadingSeesTheKnownDirections() {
        // Without these the checks below could pass on a reading that finds nothing.
        assertThat(topLevelUses().get("api")).contains("decision");
        assertThat(topLevelUses().get("health")).contains("rules");
        assertThat(USES.get("rules")).containsKey("rules.sandbox");
    }

    @Test
    void noPackageCycleEvenThroughConstants() {
        Map<String, Set<String>> uses = topLevelUses();
        List<String> backEdges = new ArrayList<>();
        uses.forEach((from, tos) -> tos.forEach(to -> {
            if (reaches(uses, to, from)) {
                backEdges.add(from + " -> " + to + " " + filesNaming(from, to));
            }
        }));
        assertThat(backEdges).as("dependencies in a cycle").isEmpty();
    }

    @Test
    void theNamedBackEdgesStayAbsent() {
        assertThat(filesNaming("rules", "health")).as("rules -> health").isEmpty();
        assertThat(filesNaming("decision", "simulation")).as("decision -> simulation").isEmpty();
        assertThat(filesNaming("rules", "simulation")).as("rules -> simulation").isEmpty();
        assertThat(filesNaming("rules", "decision")).as("rules -> decision").isEmpty();
        USES.forEach((from, tos) -> {
            if (!from.equals("health")) {
                assertThat(tos.keySet()).as(from + " -> health (the health checks are a leaf)").noneMatch(to -> to.startsWith("health"));
            }
        });
        assertThat(USES.getOrDefault("rules.sandbox", Map.of()).keySet()).as("the sandbox knows the fact model only")
                .allMatch(to -> to.equals("model"));
    }

    /** The uses between top-level packages (rules.sandbox counts as rules), as ArchUnit's slices see them. */
    private static Map<String, Set<String>> topLevelUses() {
        Map<String, Set<String>> top = new TreeMap<>();
        USES.forEach((from, tos) -> tos.keySet().forEach(to -> {
            if (!top(from).equals(top(to))) {
                top.computeIfAbsent(top(from), k -> new TreeSet<>()).add(top(to));
            }
        }));
        return top;
    }

    private static String top(String pkg) {
        int dot = pkg.indexOf('.');
        return dot < 0 ? pkg : pkg.substring(0, dot);
    }

    /** The files of {@code from} (or its subpackages) that name {@code to} (or its subpackages). */
    private static Set<String> filesNaming(String from, String to) {
        Set<String> files = new TreeSet<>();
        USES.forEach((f, tos) -> {
            if (f.equals(from) || f.startsWith(from + ".")) {
                tos.forEach((t, names) -> {
                    if (t.equals(to) || t.startsWith(to + ".")) {
                        files.addAll(names);
                    }
                });
            }
        });
        return files;
    }

    private static boolean reaches(Map<String, Set<String>> uses, String from, String target) {
        Set<String> seen = new HashSet<>();
        Deque<String> next = new ArrayDeque<>(List.of(from));
        while (!next.isEmpty()) {
            String at = next.pop();
            if (at.equals(target)) {
                return true;
            }
            if (seen.add(at)) {
                next.addAll(uses.getOrDefault(at, Set.of()));
            }
        }
        return false;
    }

    /** The source without comments and without the content of string and character literals. */
    static String code(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            if (source.startsWith("//", i)) {
                int end = source.indexOf('\n', i);
                i = end < 0 ? n : end;
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else if (source.startsWith("\"\"\"", i)) {
                int j = i + 3;
                while (j < n && !source.startsWith("\"\"\"", j)) {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 3;
                out.append("\"\"");
            } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                char quote = source.charAt(i);
                int j = i + 1;
                while (j < n && source.charAt(j) != quote) {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
                out.append(quote).append(quote);
            } else {
                out.append(source.charAt(i++));
            }
        }
        return out.toString();
    }
}
