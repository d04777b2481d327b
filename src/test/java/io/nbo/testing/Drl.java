package io.nbo.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * DRL for tests, in the shape nbo's rules take: {@code $r : Result()}, the conditions (often a
 * request context and {@code $o : Offer(id == "...")}), then what the rule does to {@code $r}.
 *
 * <pre>
 * Drl.file(Drl.rule("Members get the member offer").when("Customer(known)").offer("members").eligible("a member"))
 * </pre>
 *
 * Tests of positions (line, column), parsing and the sandbox keep their DRL verbatim.
 */
public final class Drl {

    /** The first lines of every rules file. */
    public static final String HEADER = "package rules;\nimport io.nbo.model.*;\n";

    /** A rule that triggers itself for ever (the sandbox refuses it; the limits must stop it anyway). */
    public static final String LOOPS_FOREVER = HEADER + """
            rule "Forever"
            when
                java.util.ArrayList() or Result()
            then
                insert(new java.util.ArrayList());
            end
            """;

    /** A DRL function for a condition that takes {@code millis} and never holds: {@code slowly(channel, 300)}. */
    public static final String SLOWLY = """
            function boolean slowly(String channel, long millis) {
                try { Thread.sleep(millis); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
                return false;
            }
            """;

    private Drl() {
    }

    /** A rules file: the header, then the rules, a blank line before each. */
    public static String file(Rule... rules) {
        return file(List.of(rules));
    }

    /** A rules file of a list of rules. */
    public static String file(List<Rule> rules) {
        return HEADER + rules(rules.toArray(Rule[]::new));
    }

    /** A rules file with declarations (e.g. {@link #SLOWLY}) between the header and the rules. */
    public static String file(String declarations, Rule... rules) {
        return HEADER + declarations + rules(rules);
    }

    /** Rules without the header, a blank line before each: to append to a file. */
    public static String rules(Rule... rules) {
        StringBuilder out = new StringBuilder();
        for (Rule r : rules) {
            out.append('\n').append(r.text());
        }
        return out.toString();
    }

    /** A rule named {@code name}; with nothing more it fires on every decision and does nothing. */
    public static Rule rule(String name) {
        return new Rule(name);
    }

    /** The line (from 1) of the first line of {@code drl} that starts with {@code start}, e.g. a rule's {@code rule "Name"}. */
    public static int lineOf(String drl, String start) {
        List<String> lines = drl.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(start)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("no line starts with " + start);
    }

    /** One rule, built in the order its text reads. */
    public static final class Rule {

        private final String name;
        private final List<String> attributes = new ArrayList<>();
        private final List<String> conditions = new ArrayList<>();
        private final List<String> actions = new ArrayList<>();

        private Rule(String name) {
            this.name = name;
        }

        /** A rule attribute, e.g. {@code salience 10} or {@code activation-group "one of two"}. */
        public Rule attribute(String attribute) {
            attributes.add(attribute);
            return this;
        }

        /** Conditions after {@code $r : Result()}, one pattern each, e.g. {@code Customer(known)}. */
        public Rule when(String... patterns) {
            conditions.addAll(Arrays.asList(patterns));
            return this;
        }

        /** The request's context has {@code key} = {@code value}: {@code Request(attr("key") == "value")}. */
        public Rule context(String key, String value) {
            return when("Request(attr(" + quote(key) + ") == " + quote(value) + ")");
        }

        /** Binds one offer as {@code $o}: {@code $o : Offer(id == "id")}. */
        public Rule offer(String id) {
            return offerWhere("id == " + quote(id));
        }

        /** Binds each offer that meets {@code constraint} as {@code $o}, e.g. {@code id != "x"}. */
        public Rule offerWhere(String constraint) {
            return when("$o : Offer(" + constraint + ")");
        }

        /** Makes {@code $o} eligible, saying why. */
        public Rule eligible(String why) {
            return then("$r.eligible($o, " + quote(why) + ");");
        }

        /** Multiplies {@code $o}'s score by {@code factor}, saying why. */
        public Rule boost(double factor, String why) {
            return then("$r.boost($o, " + number(factor) + ", " + quote(why) + ");");
        }

        /** Excludes {@code $o}, saying why. */
        public Rule exclude(String why) {
            return then("$r.exclude($o, " + quote(why) + ");");
        }

        /** Weighs {@code channel} by {@code factor}, saying why. */
        public Rule preferChannel(String channel, double factor, String why) {
            return then("$r.preferChannel(" + quote(channel) + ", " + number(factor) + ", " + quote(why) + ");");
        }

        /** Actions as written, one statement each, e.g. {@code delete($r);}. */
        public Rule then(String... statements) {
            actions.addAll(Arrays.asList(statements));
            return this;
        }

        /** The rule's DRL, from {@code rule "..."} to {@code end}, each line ending in a newline. */
        public String text() {
            StringBuilder out = new StringBuilder("rule ").append(quote(name)).append('\n');
            attributes.forEach(a -> out.append(a).append('\n'));
            out.append("when\n    $r : Result()\n");
            conditions.forEach(c -> out.append("    ").append(c).append('\n'));
            out.append("then\n");
            actions.forEach(a -> out.append("    ").append(a).append('\n'));
            return out.append("end\n").toString();
        }

        @Override
        public String toString() {
            return text();
        }
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String number(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
    }
}
