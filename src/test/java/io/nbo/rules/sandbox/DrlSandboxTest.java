package io.nbo.rules.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.nbo.model.SourceError;
import io.nbo.rules.InvalidRuleSetException;
import io.nbo.rules.RuleSet;
import io.nbo.rules.RuleSetCompiler;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The syntax layer of the sandbox: rules outside the marketer language are refused with their file, line
 * and column; rules inside it pass. The attacks of issue 12 are here by number; the compiled-code layer
 * that backs this one up is tested in {@code BytecodeVerifierTest} and {@code SandboxEscapeTest}.
 */
class DrlSandboxTest {

    private static final String FILE = "test.drl";

    /** Four lines: the first rule starts on line 5. */
    private static final String HEADER = """
            package rules;

            import io.nbo.model.*;

            """;

    private static List<SourceError> check(String drl) {
        return DrlSandbox.check(Map.of(FILE, drl));
    }

    /** A rule whose name is on line 5, conditions from line 7 and actions from the line after them. */
    private static String rule(String name, String when, String then) {
        return HEADER + "rule \"" + name + "\"\nwhen\n" + when + "then\n" + then + "end\n";
    }

    private static String where(SourceError e) {
        return e.line() + ":" + e.column();
    }

    @Test
    void theRealRulesFolderPasses() {
        Map<String, String> files = RuleSetCompiler.readFolder(Path.of("rules"));

        assertThat(files.keySet()).anyMatch(n -> n.endsWith(".drl"));
        assertThat(DrlSandbox.check(files)).isEmpty();
    }

    /** Every full rule (```drl) and every block of conditions (```) in rules/README.md is in the marketer language. */
    @Test
    void everyExampleInTheRulesReadmePasses() throws Exception {
        String readme = java.nio.file.Files.readString(Path.of("rules", "README.md"));
        java.util.regex.Matcher block = java.util.regex.Pattern.compile("```(\\w*)\\n(.*?)```", java.util.regex.Pattern.DOTALL).matcher(readme);
        int rules = 0;
        int conditions = 0;
        while (block.find()) {
            String body = block.group(2);
            if (block.group(1).equals("drl")) {
                assertThat(check(body)).as(body).isEmpty();
                // and through both layers: the catalog and the example alone (the demo has rules of the same names)
                Map<String, String> files = Map.of("offers.yaml", RuleSetCompiler.readFolder(Path.of("rules")).get("offers.yaml"), FILE, body);
                assertThat(new RuleSetCompiler(io.nbo.offers.OfferCatalogLoader.standalone(), java.time.Clock.systemUTC())
                        .compile(files).ruleCount()).as(body).isPositive();
                rules++;
            } else if (block.group(1).isEmpty() && body.lines().allMatch(l -> l.isBlank() || l.matches("\\s*(\\$\\w+ : )?(Customer|Request|Offer|CartItem|Event)\\(.*"))) {
                String bind = body.contains("$c :") ? "" : "    $c : Customer()\n";
                assertThat(check(rule("Example", bind + body.replaceAll("(?m)//.*$", ""), ""))).as(body).isEmpty();
                conditions++;
            }
        }
        assertThat(rules).as("full rules in the README").isGreaterThanOrEqualTo(2);
        assertThat(conditions).as("blocks of conditions in the README").isGreaterThanOrEqualTo(4);
    }

    /** One rule using every construct of the marketer language. */
    private static final String WHOLE_LANGUAGE = HEADER + """
                rule "Everything a marketer may write"
                    salience 10
                    no-loop
                    activation-group "cards"
                when
                    $r : Result()
                    $c : Customer(known, $tier : text("tier") != null, number("points") > 1 && < 5000,
                                  cart.total >= 50, !cart.empty, cart.items.size() > 1, recent.isEmpty() == false,
                                  text("city").toLowerCase().startsWith("par"), Math.max(number("a"), 2) > 1)
                    Request(channel in ("web", "app"), page not in ("checkout"), Text.matches(attr("q"), "(?i)boots?"),
                            attr("utm") == null || attr("utm").length() < 20)
                    not Request(device == "tv")
                    exists Offer(group == "vip")
                    ( Customer(flag("vip")) or Customer(number("ltv") >= 1000) )
                    $o : Offer(tags contains $tier, tags not contains "x", this != null, value * 2 > cost, $id : id)
                    eval($o.getValue() > 1.5)
                    CartItem(category == "shoes", price * quantity > 100) from $c.cart.items
                    Event(type == "search", attr("query") != null) from $c.recent
                then
                    double factor = $o.getWeight() > 1 ? 1.5 : 1.2;
                    String why = "For " + $tier + " members";
                    if ($c.number("points") > 1000) {
                        factor = factor * 2;
                    } else {
                        why = why + " (" + $id + ")";
                    }
                    $r.eligible($o, why);
                    $r.boost($o, factor, why);
                    $r.preferChannel("email", 1.2, "likes email");
                    $r.exclude("winback-20", "not now");
                end
                """;

    @Test
    void theWholeMarketerLanguageCompilesAndItsClassesVerify() throws Exception {
        Map<String, String> files = new TreeMap<>(RuleSetCompiler.readFolder(Path.of("rules")));
        files.put(FILE, WHOLE_LANGUAGE);

        RuleSet ruleSet = new RuleSetCompiler(io.nbo.offers.OfferCatalogLoader.standalone(), java.time.Clock.systemUTC()).compile(files);

        assertThat(ruleSet.ruleCount()).isGreaterThan(1);
    }

    @Test
    void theWholeMarketerLanguagePasses() {
        String drl = WHOLE_LANGUAGE;

        assertThat(check(drl)).isEmpty();
    }

    // ------------------------------------------------------------------ 1. files and connections

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            consequenceCtx.getClass().getClassLoader().getResources("x");   | consequenceCtx | 10:5
            drools.getKieRuntime().halt();                                  | drools         | 10:5
            kcontext.getKieRuntime();                                       | kcontext       | 10:5
            $r.eligible($o, $o__Handle__.toString());                       | $o__Handle__   | 10:21
            System.getenv("NBO_SECURITY_KEYS");                             | System         | 10:5
            java.lang.System.exit(0);                                       | java           | 10:5
            Runtime.getRuntime().exec("curl x");                            | Runtime        | 10:5
            $r.eligible($o, new java.net.URL("http://x").toString());       | new            | 10:21
            $r.eligible($o, $o.getClass().getName());                       | getClass       | 10:24
            $r.eligible($o, $o.class.getName());                            | class          | 10:21
            Thread.sleep(100);                                              | Thread         | 10:5
            """)
    void attack1_nothingOutsideTheFactModelCanBeReachedFromAnAction(String action, String culprit, String position) {
        String drl = rule("Reach out", "    $r : Result()\n    $o : Offer()\n", "    " + action + "\n");

        assertThat(check(drl)).singleElement().satisfies(e -> {
            assertThat(e.file()).isEqualTo(FILE);
            assertThat(where(e)).isEqualTo(position);
            assertThat(e.message()).startsWith("rule \"Reach out\": ").contains("marketer language");
        });
        assertThat(action.substring(Integer.parseInt(position.split(":")[1]) - 5)).startsWith(culprit.equals("class") ? "$o.class" : culprit);
    }

    @Test
    void attack1_theConsequenceContextIsNotANameRulesKnow() {
        String drl = rule("Env", "    $r : Result()\n    $o : Offer()\n",
                "    $r.eligible($o, consequenceCtx.getClass().getClassLoader().getResource(\"x\").toURI().resolve(\"file:///proc/self/environ\").toString());\n");

        assertThat(check(drl)).singleElement().satisfies(e -> {
            assertThat(where(e)).isEqualTo("10:21");
            assertThat(e.message()).contains("consequenceCtx is not a bound fact, a local variable or a property here");
        });
    }

    // ------------------------------------------------------------------ 2. the shared session

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            consequenceCtx.delete($r);                                  | 9:5
            delete($r);                                                 | 9:5
            retract($r);                                                | 9:5
            insert(new Request("web", null, null, null, null));         | 9:5
            update($o);                                                 | 9:5
            drools.insert($o);                                          | 9:5
            """)
    void attack2_rulesCannotChangeTheSession(String action, String position) {
        String drl = rule("Vandal", "    $r : Result()\n    $o : Offer()\n    Request(attr(\"mode\") == \"evil\")\n", "    " + action + "\n");

        assertThat(check(drl)).singleElement().satisfies(e -> {
            assertThat(where(e)).isEqualTo("11:5");
            assertThat(e.message()).startsWith("rule \"Vandal\": ");
        });
    }

    @Test
    void attack2_modifyIsNotJavaAndIsRefused() {
        String drl = rule("Modify", "    $r : Result()\n    $o : Offer()\n", "    modify($o) { };\n");

        assertThat(check(drl)).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(10);
            assertThat(e.message()).contains("modify, insert, update and delete are not allowed");
        });
    }

    @Test
    void attack2_resultMethodsThatAreNbosOwnAreRefused() {
        String drl = rule("Impostor", "    $r : Result()\n", "    $r.firing(\"Someone else\");\n    $r.handOver();\n");

        assertThat(check(drl)).extracting(DrlSandboxTest::where).containsExactly("9:8", "10:8");
        assertThat(check(drl).get(0).message()).contains("Result has no method firing()");
    }

    // ------------------------------------------------------------------ 3. static state

    @Test
    void attack3_anonymousClassesAndTheirStaticFieldsAreRefused() {
        String drl = rule("Counter", "    $r : Result()\n    $o : Offer()\n",
                "    Object counter = new Object() { static int n; public String toString() { return \"\" + (++n); } };\n"
                        + "    $r.eligible($o, counter.toString());\n");

        List<SourceError> errors = check(drl);

        assertThat(errors).extracting(DrlSandboxTest::where).startsWith("10:12");
        assertThat(errors.get(0).message()).contains("a local variable of type Object is not allowed");
    }

    @Test
    void attack3_newIsRefusedWherever() {
        String drl = rule("New", "    $r : Result()\n    $o : Offer()\n",
                "    $r.eligible($o, new Object() { static int n; }.toString());\n");

        assertThat(check(drl)).singleElement().satisfies(e -> {
            assertThat(where(e)).isEqualTo("10:21");
            assertThat(e.message()).contains("new (creating objects, anonymous classes included) is not part of the marketer language");
        });
    }

    // ------------------------------------------------------------------ 4. property navigation

    @Test
    void attack4_fromAndClassNavigationAreRefused() {
        String drl = rule("Loader", "    $r : Result()\n    $o : Offer()\n    $x : Offer() from $o.Class.ClassLoader\n", "");

        assertThat(check(drl)).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(9);
            assertThat(e.message()).contains("from is not part of the marketer language");
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            CartItem() from $c.recent                    | from        | 8:16
            CartItem() from $c.cart.items.Class          | from        | 8:16
            Event() from $c.cart.getClass().getClassLoader() | from    | 8:13
            """)
    void attack4_listsComeOnlyFromTheFactModel(String condition, String culprit, String position) {
        String drl = rule("Lists", "    $c : Customer()\n    " + condition + "\n", "");

        assertThat(check(drl)).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(8);
            assertThat(e.message()).startsWith("rule \"Lists\": ");
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Offer(Class.ClassLoader != null)                 | Class       | 7:11
            Offer(id.Class != null)                          | Class       | 7:14
            Customer(data.profile != null)                   | data        | 7:14
            Customer(cart.Class.name == "x")                 | Class       | 7:19
            Request(attributes["x"] == "y")                  | attributes  | 7:13
            Customer(history().all().size() > 0)             | history     | 7:14
            Offer(creatives().size() > 0)                    | creatives   | 7:11
            Offer(id.getClass() != null)                     | getClass    | 7:14
            """)
    void attack4_conditionsReadOnlyTheFactModel(String condition, String culprit, String position) {
        String drl = rule("Navigate", "    " + condition + "\n", "");

        assertThat(check(drl)).singleElement().satisfies(e -> {
            assertThat(where(e)).isEqualTo(position);
            assertThat(e.message()).startsWith("rule \"Navigate\": ");
        });
        assertThat(condition.substring(Integer.parseInt(position.split(":")[1]) - 5)).startsWith(culprit);
    }

    // ------------------------------------------------------------------ 5. unbounded work

    @Test
    void attack5_theMatchesOperatorIsRefusedAndTextMatchesIsOffered() {
        String drl = rule("Slow", "    Request(attr(\"mode\") == \"slow\", (\"aaaa\" + channel) matches \"(.*a){12}$\")\n", "");

        assertThat(check(drl)).singleElement().satisfies(e -> {
            assertThat(where(e)).isEqualTo("7:56");
            assertThat(e.message()).contains("use Text.matches(value, \"pattern\")");
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Request(channel.repeat(100000).length() > 1)          | repeat
            Request(channel.matches("(.*a){12}$"))                | matches
            Request(channel.replaceAll("a", "b") == "x")          | replaceAll
            Request(channel.split(",").length > 1)                | split
            Request(String.format("%0100000d", 1) != null)        | String
            """)
    void attack5_methodsWhoseCostIsUnboundedAreRefused(String condition, String culprit) {
        String drl = rule("Slow", "    " + condition + "\n", "");

        assertThat(check(drl)).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(7);
            assertThat(condition.substring(e.column() - 5)).startsWith(culprit);
        });
    }

    @Test
    void attack5_loopsAndOtherStatementsAreRefused() {
        String drl = rule("Loops", "    $r : Result()\n",
                "    while (true) { }\n    for (int i = 0; i < 10; i++) { }\n    try { } finally { }\n"
                        + "    synchronized ($r) { }\n    class X { }\n    return;\n");

        List<SourceError> errors = check(drl);

        assertThat(errors).extracting(DrlSandboxTest::where).containsExactly("9:5", "10:5", "11:5", "12:5", "13:5", "14:5");
        assertThat(errors.get(0).message()).contains("a while loop is not allowed in actions");
        assertThat(errors.get(4).message()).contains("declaring a class is not allowed");
    }

    // ------------------------------------------------------------------ the rest of the file

    @Test
    void everythingButRulesOnTheFactsIsRefusedAtPackageLevel() {
        String drl = """
                package rules;

                import io.nbo.model.*;
                import java.io.File;
                import function java.lang.System.exit;
                global java.util.List out;

                function int twice(int x) { return x * 2; }

                declare Thing
                    name : String
                end

                query "all offers"
                    Offer()
                end

                rule "Timed"
                    timer (int: 1s)
                    dialect "mvel"
                when
                    Thing()
                then
                end
                """;

        List<SourceError> errors = check(drl);

        assertThat(errors).extracting(DrlSandboxTest::where)
                .contains("4:1", "5:1", "6:1", "8:1", "10:9", "14:1", "22:5");
        assertThat(errors).extracting(SourceError::message).anyMatch(m -> m.contains("the attribute timer is not allowed"))
                .anyMatch(m -> m.contains("dialect takes \"java\" only"))
                .anyMatch(m -> m.contains("Thing is not a fact rules can match"));
    }

    @Test
    void accumulateCollectAndEntryPointsAreRefused() {
        String drl = rule("Sum", "    Number() from accumulate(Offer($v : value), sum($v))\n"
                + "    Offer() from entry-point \"x\"\n", "");

        assertThat(check(drl)).extracting(DrlSandboxTest::where).containsExactly("7:5", "8:5");
    }

    @Test
    void unicodeEscapesAreRefusedEvenInComments() {
        String drl = rule("Hidden", "    $r : Result()\n", "    // \\u000a System.exit(0);\n");

        assertThat(check(drl)).extracting(DrlSandboxTest::where).contains("9:8");
    }

    @Test
    void codeInStringsAndCommentsIsNotFlagged() {
        String drl = rule("Quoted", "    $r : Result()\n    $o : Offer(id == \"System.exit(0)\")\n",
                "    // Runtime.getRuntime().exec(\"x\");\n    $r.eligible($o, \"System.exit is fun\");\n");

        assertThat(check(drl)).isEmpty();
    }

    @Test
    void theMvelDialectAndOtherPackagesAreRefused() {
        String drl = """
                package org.drools.core;
                dialect "mvel"
                import io.nbo.model.*;
                rule "M" dialect "mvel"
                when
                    Request()
                then
                end
                """;

        assertThat(check(drl)).extracting(DrlSandboxTest::where).containsExactly("1:1", "2:9", "4:18");
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
        files.put("a.drl", rule("One", "    $r : Result()\n", "    System.exit(0);\n    Thread.sleep(5);\n"));
        files.put("b.drl", rule("Two", "    $o : Offer()\n    eval(Runtime.getRuntime() != null)\n", "    insert($o);\n"));
        files.put("c.drl", RuleSetCompiler.readFolder(Path.of("rules")).get("cart.drl"));

        List<SourceError> errors = DrlSandbox.check(files);

        assertThat(errors).extracting(e -> e.file() + ":" + e.line() + ":" + e.column()).containsExactly(
                "a.drl:9:5", "a.drl:10:5", "b.drl:8:10", "b.drl:10:5");
        assertThat(errors.get(1).message()).startsWith("rule \"One\": Thread is not a bound fact");
        assertThat(errors.get(2).message()).startsWith("rule \"Two\": Runtime is not a bound fact");
    }

    @Test
    void theCompilerRefusesWhatTheSandboxRefusesAndBuildsNothing() {
        String drl = rule("Free stuff", "    $r : Result()\n", "    System.exit(0);\n");
        RuleSetCompiler compiler = new RuleSetCompiler(io.nbo.offers.OfferCatalogLoader.standalone(), java.time.Clock.systemUTC());
        Map<String, String> files = new TreeMap<>(RuleSetCompiler.readFolder(Path.of("rules")));
        files.put(FILE, drl);

        InvalidRuleSetException refused = org.junit.jupiter.api.Assertions.assertThrows(InvalidRuleSetException.class,
                () -> compiler.compile(files));

        assertThat(refused.errors()).singleElement().satisfies(e -> {
            assertThat(e.file() + ":" + where(e)).isEqualTo(FILE + ":9:5");
            assertThat(e.message()).startsWith("rule \"Free stuff\": System is not a bound fact");
        });
    }
}
