package io.nbo.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.model.SourceError;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Rules that reach outside the fact model are refused with their file, line and column; ordinary rules pass. */
class DrlSandboxTest {

    private static final String FILE = "test.drl";
    private static final String HINT = DrlSandbox.HINT;

    /** Four lines: the first rule starts on line 5. */
    private static final String HEADER = """
            package rules;

            import io.nbo.model.*;

            """;

    private static List<SourceError> check(String drl) {
        return DrlSandbox.check(Map.of(FILE, drl));
    }

    private static SourceError at(int line, int column, String message) {
        return new SourceError(FILE, line, column, message);
    }

    private static String rule(String name, String when, String then) {
        return "rule \"" + name + "\"\nwhen\n" + when + "then\n" + then + "end\n";
    }

    @Test
    void theRealRulesFolderPasses() {
        Map<String, String> files = RuleSetCompiler.readFolder(Path.of("rules"));

        assertThat(files.keySet()).anyMatch(n -> n.endsWith(".drl"));
        assertThat(DrlSandbox.check(files)).isEmpty();
    }

    @Test
    void aRuleCannotTakeCreditForAnother() {
        String drl = HEADER + rule("Impostor", "    $r : Result()\n", "    $r.firing(\"Someone else\");\n");

        assertThat(check(drl)).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(9);
            assertThat(e.message()).startsWith("rule \"Impostor\": ").contains("firing");
        });
    }

    @Test
    void aRuleCannotTakeTheResultAwayFromTheDecision() {
        String drl = HEADER + rule("Thief", "    $r : Result()\n", "    $r.handOver();\n");

        assertThat(check(drl)).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(9);
            assertThat(e.message()).startsWith("rule \"Thief\": ").contains("handOver");
        });
    }

    @Test
    void theCompilerRefusesWhatTheSandboxRefusesAndBuildsNothing() throws Exception {
        String drl = HEADER + rule("Free stuff", "    $r : Result()\n", "    System.exit(0);\n");
        RuleSetCompiler compiler = new RuleSetCompiler(io.nbo.offers.OfferCatalogLoader.standalone(), java.time.Clock.systemUTC());
        Map<String, String> files = new java.util.TreeMap<>(RuleSetCompiler.readFolder(Path.of("rules")));
        files.put(FILE, drl);

        InvalidRuleSetException refused = org.junit.jupiter.api.Assertions.assertThrows(InvalidRuleSetException.class, () -> compiler.compile(files));

        assertThat(refused.errors()).containsExactly(at(9, 5, "rule \"Free stuff\": System is not allowed in rules (" + HINT + ")"));
    }

    @Test
    void systemExitInAnActionIsRefusedOnItsLine() {
        String drl = HEADER + """
                rule "Free stuff"
                when
                    $r : Result()
                then
                    System.exit(0);
                end
                """;

        assertThat(check(drl)).containsExactly(
                at(9, 5, "rule \"Free stuff\": System is not allowed in rules (" + HINT + ")"));
    }

    @Test
    void runtimeExecIsOneError() {
        String drl = HEADER + rule("Run", "    $r : Result()\n", "    $r.eligible(\"x\", \"y\");\n    Runtime.getRuntime().exec(\"x\");\n");

        assertThat(check(drl)).containsExactly(at(10, 5, "rule \"Run\": Runtime is not allowed in rules (" + HINT + ")"));
    }

    @Test
    void aFullyQualifiedClassInAnActionIsRefused() {
        String drl = HEADER + """
                rule "Read a file"
                when
                    $r : Result()
                    $o : Offer()
                then
                    $r.eligible($o, new java.io.File("/etc/passwd").getName());
                end
                """;

        assertThat(check(drl)).containsExactly(
                at(10, 25, "rule \"Read a file\": java.io.File is not allowed in rules (" + HINT + ")"));
    }

    @Test
    void importsOutsideTheAllowListAreRefused() {
        String drl = """
                package rules;

                import io.nbo.model.*;
                import java.io.File;
                import java.lang.reflect.Method;
                import java.util.*;
                import org.kie.api.runtime.KieSession;
                import io.nbo.rules.RuleSet;
                import function java.lang.System.exit;
                import static java.lang.Math.max;
                import java.time.*;
                import java.time.temporal.ChronoUnit;
                import java.util.List;
                import java.util.Map.Entry;
                import java.lang.Math;
                """;

        assertThat(check(drl)).containsExactly(
                at(4, 8, "import java.io.File is not allowed (" + HINT + ")"),
                at(5, 8, "import java.lang.reflect.Method is not allowed (" + HINT + ")"),
                at(6, 8, "import java.util.* is not allowed (import the java.util classes you need one by one,"
                        + " e.g. import java.util.List; " + HINT + ")"),
                at(7, 8, "import org.kie.api.runtime.KieSession is not allowed (" + HINT + ")"),
                at(8, 8, "import io.nbo.rules.RuleSet is not allowed (" + HINT + ")"),
                at(9, 17, "import function java.lang.System.exit is not allowed (" + HINT + ")"));
    }

    @Test
    void reflectionIsRefused() {
        String drl = HEADER + rule("Peek",
                "    $r : Result()\n    $o : Offer()\n",
                "    $r.eligible($o, \"\" + $o.getClass().getDeclaredMethods().length);\n"
                        + "    $r.eligible($o, String.class.getName());\n"
                        + "    java.util.List.of($o).forEach(Object::getClass);\n");

        assertThat(check(drl)).containsExactly(
                at(10, 29, "rule \"Peek\": .getClass(...) is not allowed in rules: rules may not look at or load Java classes (" + HINT + ")"),
                at(11, 28, "rule \"Peek\": .class is not allowed in rules: rules may not look at or load Java classes (" + HINT + ")"),
                at(12, 43, "rule \"Peek\": .getClass is not allowed in rules: rules may not look at or load Java classes (" + HINT + ")"));
    }

    @Test
    void otherRoutesToTheSameThingsAreRefused() {
        String drl = HEADER + """
                rule "Other ways"
                when
                    $o : Offer()
                then
                    java.util.List.of("a").forEach(Runtime::getRuntime);
                    java.util.List.of(1).forEach(x -> System.exit(x));
                    new Object() { { getClass(); } };
                    java.util.Locale.setDefault(java.util.Locale.FRANCE);
                    $o.eligible(Integer.getInteger("port"));
                    synchronized ($o) { $o.wait(); }
                    throw new IllegalStateException("stop");
                end
                """;
        String rule = "rule \"Other ways\": ";
        String machine = " is not allowed in rules: it reaches the computer nbo runs on, not the rule's facts (" + HINT + ")";

        assertThat(check(drl)).containsExactly(
                at(9, 36, rule + "Runtime is not allowed in rules (" + HINT + ")"),
                at(10, 39, rule + "System is not allowed in rules (" + HINT + ")"),
                at(11, 22, rule + "getClass(...) is not allowed in rules: rules may not look at or load Java classes (" + HINT + ")"),
                at(12, 22, rule + ".setDefault(...)" + machine),
                at(13, 25, rule + ".getInteger(...)" + machine),
                at(14, 5, rule + "synchronized is not allowed in rules: a rule must never wait for another one"),
                at(14, 28, rule + ".wait(...) is not allowed in rules: a rule must never wait for another one"),
                at(15, 15, rule + "IllegalStateException is not allowed in rules (" + HINT + ")"));
    }

    @Test
    void aFunctionBodyIsCheckedLikeAnAction() {
        String drl = HEADER + """
                function int slow(String s) {
                    Thread.sleep(1000);
                    return s.length();
                }
                """;

        assertThat(check(drl)).containsExactly(at(6, 5, "function slow: Thread is not allowed in rules (" + HINT + ")"));
    }

    @Test
    void evalConstraintsAndFromAreChecked() {
        String drl = HEADER + """
                rule "Clock"
                when
                    $r : Result()
                    eval(System.currentTimeMillis() > 0)
                    Customer(known,
                             Thread.activeCount() > 1)
                    $line : String() from java.nio.file.Files.readAllLines(java.nio.file.Path.of("/etc/passwd"))
                then
                    $r.eligible("x", $line);
                end
                """;

        assertThat(check(drl)).containsExactly(
                at(8, 10, "rule \"Clock\": System is not allowed in rules (" + HINT + ")"),
                at(10, 14, "rule \"Clock\": Thread is not allowed in rules (" + HINT + ")"),
                at(11, 27, "rule \"Clock\": java.nio.file.Files is not allowed in rules (" + HINT + ")"),
                at(11, 60, "rule \"Clock\": java.nio.file.Path is not allowed in rules (" + HINT + ")"));
    }

    @Test
    void accumulateCodeAndRuleAttributesAreChecked() {
        String drl = HEADER + """
                rule "Sum" salience ( Runtime.getRuntime().availableProcessors() )
                when
                    $r : Result()
                    $n : Number() from accumulate(Offer($v : value), init(double t = ProcessHandle.current().pid();), action(t += $v;), result(t))
                then
                    $r.eligible("x", "y");
                end
                """;

        assertThat(check(drl)).containsExactly(
                at(5, 23, "rule \"Sum\": Runtime is not allowed in rules (" + HINT + ")"),
                at(8, 70, "rule \"Sum\": ProcessHandle is not allowed in rules (" + HINT + ")"));
    }

    @Test
    void globalsAreRefused() {
        String drl = HEADER + """
                global java.util.List offers;
                """;

        assertThat(check(drl)).containsExactly(at(5, 1, "global java.util.List offers is not allowed: rules write their"
                + " results to the Result fact ($r.eligible, exclude, boost, preferChannel), never to a global"));
    }

    @Test
    void changingTheSessionIsRefused() {
        String drl = HEADER + rule("Loop",
                "    $r : Result()\n    $c : Customer()\n",
                "    modify($c) { }\n    insert(new Offer(\"a\", \"b\", \"c\", 1, 0, 1, null, null, null, null));\n"
                        + "    drools.getKieRuntime().halt();\n    kcontext.getKieRuntime();\n"
                        + "    $r.eligible(\"x\", drools.getRule().getName());\n");
        String session = ": rules do not change the facts in the session, they write to the Result ($r.eligible, exclude,"
                + " boost, preferChannel); see \"What rules may not do\" in rules/README.md";

        assertThat(check(drl)).containsExactly(
                at(10, 5, "rule \"Loop\": modify(...) is not allowed" + session),
                at(11, 5, "rule \"Loop\": insert(...) is not allowed" + session),
                at(12, 5, "rule \"Loop\": drools.getKieRuntime(...) is not allowed: drools may only be used to read the rule"
                        + " (drools.getRule().getName()); rules write to the Result only (see \"What rules may not do\" in rules/README.md)"),
                at(13, 5, "rule \"Loop\": kcontext.getKieRuntime(...) is not allowed: kcontext may only be used to read the rule"
                        + " (kcontext.getRule().getName()); rules write to the Result only (see \"What rules may not do\" in rules/README.md)"));
    }

    @Test
    void codeInsideStringsAndCommentsIsNotFlagged() {
        String drl = HEADER + """
                // System.exit(0) in a comment before a rule
                rule "Talk about it"
                when
                    $r : Result()
                    $o : Offer(name != "Runtime.getRuntime()", id != 'java.io.File')
                then
                    $r.eligible($o, "System.exit is fun"); // System.exit(0)
                    /* Runtime.getRuntime().exec("x");
                       new java.io.File("/etc/passwd"); */
                    $r.boost($o, 1.5, "Thread \\"safe\\" and import java.io.*;");
                end
                """;

        assertThat(check(drl)).isEmpty();
    }

    @Test
    void allowedJavaIsNotFlagged() {
        String drl = """
                package rules;

                import io.nbo.model.*;
                import java.time.*;
                import java.time.temporal.ChronoUnit;
                import java.util.List;
                import java.util.ArrayList;
                import static java.lang.Math.max;

                function double capped(double x) {
                    return Math.min(max(x, 0.2), 3.0);
                }

                declare Interest
                    category : String
                    since : Instant
                    tags : java.util.List
                end

                rule "Allowed things"
                when
                    $r : Result()
                    $c : Customer(known, now != null, cart.total >= 50, timesShown("free-shipping", 7) < 2,
                                  responses("reject", "free-shipping", 30) == 0, contactsOn("email", 7) < 2)
                    CartItem(category == "shoes") from $c.cart.items
                    $total : Number() from accumulate(CartItem($p : price) from $c.cart.items, sum($p))
                    $o : Offer(tags contains "cart", this != null)
                then
                    List<String> names = new ArrayList<>();
                    for (CartItem item : $c.getCart().getItems()) {
                        names.add(item.getName().toUpperCase());
                    }
                    long days = ChronoUnit.DAYS.between(LocalDate.of(2026, 1, 1), LocalDate.ofInstant($c.getNow(), ZoneOffset.UTC));
                    String text = String.format("%s: %d days, %s", drools.getRule().getName(), days, String.join(", ", names));
                    $r.boost($o, capped(Duration.ofHours(2).toHours() / 2.0), text + Integer.valueOf(java.util.Objects.hash(days)));
                end
                """;

        assertThat(check(drl)).isEmpty();
    }

    @Test
    void declaredTypesAreCheckedAndMayNotTakeTheNameOfARefusedClass() {
        String drl = HEADER + """
                declare Thread
                    name : String
                end

                declare Note
                    file : java.io.File
                    text : String = System.getProperty("user.home")
                end
                """;

        assertThat(check(drl)).containsExactly(
                at(5, 9, "declare Thread: Thread is the name of a Java class rules may not use; choose another name"),
                at(10, 12, "declare Note: java.io.File is not allowed in rules (" + HINT + ")"),
                at(11, 21, "declare Note: System is not allowed in rules (" + HINT + ")"));
    }

    @Test
    void loopsThatMayNeverEndAreRefused() {
        String drl = HEADER + """
                function int forever(int n) {
                    while (true) { n++; }
                }

                function int count(int n) {
                    for (int i = 0; i < n; i++) { n--; }
                    return n;
                }

                function int fib(int n) {
                    return n < 2 ? n : fib(n - 1) + twice(n);
                }

                function int twice(int n) {
                    synchronized (Integer.valueOf(n)) { return fib(n - 2); }
                }
                """;
        String loop = " loops are not allowed in rules: a rule must finish at once (to go through a list, use for (X x : list))";

        assertThat(check(drl)).containsExactly(
                at(6, 5, "function forever: while" + loop),
                at(10, 5, "function count: for (...; ...; ...)" + loop),
                at(15, 24, "function fib: a function may not call itself (fib -> fib): rules must finish at once"),
                at(19, 5, "function twice: synchronized is not allowed in rules: a rule must never wait for another one"),
                at(19, 48, "function twice: a function may not call itself (twice -> fib -> twice): rules must finish at once"));
    }

    @Test
    void tricksThatHideCodeFromAReaderAreRefused() {
        // Java reads a unicode escape for a line feed as a real new line, even in a comment: the exit below would run.
        String drl = HEADER + rule("Hidden",
                "    $r : Result()\n",
                "    // \\u000a System.exit(0);\n"
                        + "    $r.eligible(\"x\", \"\" + java . lang/**/. System.nanoTime());\n");

        assertThat(check(drl)).containsExactly(
                at(9, 8, "unicode escapes such as \\u000a are not allowed in rules files: type the character itself"),
                at(10, 27, "rule \"Hidden\": java.lang.System is not allowed in rules (" + HINT + ")"));
    }

    @Test
    void theMvelDialectAndOtherPackagesAreRefused() {
        String drl = """
                package org.drools.core;
                dialect "mvel"

                rule "M" dialect "mvel"
                when
                then
                end
                """;
        String dialect = "dialect \"mvel\" is not allowed: write rules in the default (Java) dialect"
                + " (see \"What rules may not do\" in rules/README.md)";

        assertThat(check(drl)).containsExactly(
                at(1, 9, "package org.drools.core is not allowed: rules files start with package rules;"),
                at(2, 9, dialect),
                at(4, 18, "rule \"M\": " + dialect));
    }

    @Test
    void aFileWithASyntaxErrorIsLeftToTheCompilerAndOtherFilesAreIgnored() {
        Map<String, String> files = Map.of(
                "broken.drl", HEADER + "rule \"x\"\nwhen\n    Customer(\nthen\n    System.exit(0);\nend\n",
                "offers.yaml", "System.exit(0)",
                "notes.txt", "import java.io.File;");

        assertThat(DrlSandbox.check(files)).isEmpty();
    }

    @Test
    void everyProblemInEveryFileIsReported() {
        Map<String, String> files = new TreeMap<>();
        files.put("a.drl", HEADER + "global java.util.List out;\n"
                + rule("One", "    $r : Result()\n", "    System.exit(0);\n    Thread.sleep(5);\n"));
        files.put("b.drl", HEADER + "import java.io.File;\n"
                + rule("Two", "    $o : Offer()\n    eval(Runtime.getRuntime() != null)\n", "    insert($o);\n"));
        files.put("c.drl", RuleSetCompiler.readFolder(Path.of("rules")).get("cart.drl"));

        List<SourceError> errors = DrlSandbox.check(files);

        assertThat(errors).extracting(e -> e.file() + ":" + e.line() + ":" + e.column()).containsExactly(
                "a.drl:5:1", "a.drl:10:5", "a.drl:11:5",
                "b.drl:5:8", "b.drl:9:10", "b.drl:11:5");
        assertThat(errors.get(2).message()).startsWith("rule \"One\": Thread is not allowed");
        assertThat(errors.get(4).message()).startsWith("rule \"Two\": Runtime is not allowed");
    }
}
