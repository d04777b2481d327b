package io.nbo.rules.sandbox;

import com.github.javaparser.ParseProblemException;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.Position;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.BooleanLiteralExpr;
import com.github.javaparser.ast.expr.CharLiteralExpr;
import com.github.javaparser.ast.expr.ConditionalExpr;
import com.github.javaparser.ast.expr.DoubleLiteralExpr;
import com.github.javaparser.ast.expr.EnclosedExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.IntegerLiteralExpr;
import com.github.javaparser.ast.expr.LongLiteralExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.NullLiteralExpr;
import com.github.javaparser.ast.expr.StringLiteralExpr;
import com.github.javaparser.ast.expr.TextBlockLiteralExpr;
import com.github.javaparser.ast.expr.ThisExpr;
import com.github.javaparser.ast.expr.UnaryExpr;
import com.github.javaparser.ast.expr.VariableDeclarationExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.EmptyStmt;
import com.github.javaparser.ast.stmt.ExpressionStmt;
import com.github.javaparser.ast.stmt.IfStmt;
import com.github.javaparser.ast.stmt.Statement;
import io.nbo.model.CartItem;
import io.nbo.model.SourceError;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.drools.drl.ast.descr.AndDescr;
import org.drools.drl.ast.descr.AttributeDescr;
import org.drools.drl.ast.descr.BaseDescr;
import org.drools.drl.ast.descr.BindingDescr;
import org.drools.drl.ast.descr.EvalDescr;
import org.drools.drl.ast.descr.ExistsDescr;
import org.drools.drl.ast.descr.ExprConstraintDescr;
import org.drools.drl.ast.descr.FromDescr;
import org.drools.drl.ast.descr.ImportDescr;
import org.drools.drl.ast.descr.NotDescr;
import org.drools.drl.ast.descr.OrDescr;
import org.drools.drl.ast.descr.PackageDescr;
import org.drools.drl.ast.descr.PatternDescr;
import org.drools.drl.ast.descr.RuleDescr;
import org.drools.mvel.parser.DrlxParser;
import org.drools.mvel.parser.ast.expr.DrlNameExpr;
import org.drools.mvel.parser.ast.expr.DrlxExpression;
import org.drools.mvel.parser.ast.expr.HalfBinaryExpr;
import org.drools.mvel.parser.ast.expr.HalfPointFreeExpr;
import org.drools.mvel.parser.ast.expr.NullSafeFieldAccessExpr;
import org.drools.mvel.parser.ast.expr.NullSafeMethodCallExpr;
import org.drools.mvel.parser.ast.expr.PointFreeExpr;

/**
 * The first layer of the DRL sandbox: checks the parsed rules against the marketer language
 * ({@link RuleLanguage}, documented in "The marketer language" in {@code rules/README.md}). Conditions are
 * parsed with Drools' own constraint parser and actions with JavaParser; every name is resolved against
 * the fact model, so anything that is not a fact, a bound variable, a local or an allowed method is
 * refused with its file, line and column. Deny by default: a construct this class does not know is refused.
 *
 * <p>The second layer, {@link BytecodeVerifier}, checks the compiled classes against the same list.
 */
public final class DrlSandbox {

    public static final String HINT = "see \"The marketer language\" in rules/README.md";

    /** Rule attributes a marketer may set, and the literal values each takes. */
    private static final Map<String, Pattern> ATTRIBUTES = Map.of(
            "salience", Pattern.compile("-?\\d{1,9}"),
            "no-loop", Pattern.compile("true|false|"),
            "lock-on-active", Pattern.compile("true|false|"),
            "enabled", Pattern.compile("true|false"),
            "activation-group", Pattern.compile("[\\w .-]{1,100}"),
            "dialect", Pattern.compile("java"));

    /** DRL operators allowed between a value and a list or a value: {@code tags contains "x"}, {@code channel in ("web")}. */
    private static final Set<String> OPERATORS = Set.of("contains", "memberOf", "in");

    private static final List<String> DRLX_OPERATORS = List.of();

    private static final String MODEL_PACKAGE = "io.nbo.model";

    private DrlSandbox() {
    }

    /**
     * Checks the {@code *.drl} entries of a rule set (file name to content); other entries are ignored,
     * and so is a file the DRL parser cannot read (the compiler reports its syntax errors).
     *
     * @return every refused use, by file, line and column; empty when the rule set is written in the marketer language
     */
    public static List<SourceError> check(Map<String, String> files) {
        List<SourceError> errors = new ArrayList<>();
        new TreeMap<>(files).forEach((name, text) -> {
            if (name.endsWith(".drl") && text != null) {
                errors.addAll(check(ParsedDrl.parse(name, text)));
            }
        });
        return List.copyOf(errors);
    }

    /** Checks one parsed DRL file; a file with syntax errors is left to the compiler. */
    public static List<SourceError> check(ParsedDrl drl) {
        if (drl.failure() != null) {
            // Not a syntax error but a parser failure: a file that cannot be checked is not let through.
            return List.of(new SourceError(drl.file(), 0, 0, "this file could not be checked against the marketer language ("
                    + drl.failure() + "); " + HINT));
        }
        return drl.pkg() == null ? List.of() : new FileCheck(drl.file(), drl.text(), drl.pkg()).run();
    }

    /** What an expression gives: a class, and for a list the class of its elements. */
    private record Typed(Class<?> type, Class<?> element) {
        static final Typed NULL = new Typed(Void.class, null);
        static final Typed BOOLEAN = new Typed(boolean.class, null);
        static final Typed STRING = new Typed(String.class, null);

        static Typed of(Class<?> c) {
            return new Typed(c, null);
        }

        static Typed of(Type t) {
            if (t instanceof Class<?> c) {
                return new Typed(c, null);
            }
            if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
                Type[] args = p.getActualTypeArguments();
                return new Typed(raw, Collection.class.isAssignableFrom(raw) && args.length == 1 && args[0] instanceof Class<?> e ? e : null);
            }
            return new Typed(Object.class, null);
        }
    }

    /** Thrown inside an expression check once its first refused use is reported. */
    private static final class Refused extends RuntimeException {
        Refused() {
            super(null, null, false, false);
        }
    }

    /** The checks of one parsed file. */
    private static final class FileCheck {

        private final String file;
        private final String text;
        private final PackageDescr pkg;
        private final int[] lineStarts;
        private final Map<String, SourceError> errors = new LinkedHashMap<>();

        FileCheck(String file, String text, PackageDescr pkg) {
            this.file = file;
            this.text = text;
            this.pkg = pkg;
            this.lineStarts = lineStarts(text);
        }

        List<SourceError> run() {
            unicodeEscapes();
            packageLevel();
            for (RuleDescr rule : pkg.getRules()) {
                rule(rule);
            }
            List<SourceError> sorted = new ArrayList<>(errors.values());
            sorted.sort(Comparator.comparingInt(SourceError::line).thenComparingInt(SourceError::column));
            return sorted;
        }

        /** Java reads unicode escapes before anything else, so they could hide code in a comment or a string. */
        private void unicodeEscapes() {
            for (int i = text.indexOf('\\'); i >= 0; i = text.indexOf('\\', i + 1)) {
                int backslashes = 0;
                for (int k = i - 1; k >= 0 && text.charAt(k) == '\\'; k--) {
                    backslashes++;
                }
                int j = i + 1;
                while (j < text.length() && text.charAt(j) == 'u') {
                    j++;
                }
                if (backslashes % 2 == 0 && j > i + 1 && j + 4 <= text.length() && isHex(text.substring(j, j + 4))) {
                    error(i, "unicode escapes such as " + text.substring(i, j + 4)
                            + " are not allowed in rules files: type the character itself");
                }
            }
        }

        private void packageLevel() {
            String name = pkg.getName() == null ? "" : pkg.getName();
            if (!name.isEmpty() && !name.equals("rules") && !name.startsWith("rules.")) {
                error(find("package", 0), "package " + name + " is not allowed: rules files start with package rules;");
            }
            for (AttributeDescr attribute : pkg.getAttributes()) {
                if (!"dialect".equals(attribute.getName()) || !"java".equals(unquote(attribute.getValue()))) {
                    error(attribute, attribute.getName() + " " + attribute.getValue() + " is not allowed at the top of a file ("
                            + HINT + ")");
                }
            }
            for (ImportDescr imp : pkg.getImports()) {
                String target = imp.getTarget() == null ? "" : imp.getTarget().strip();
                if (!importAllowed(target)) {
                    error(imp, "import " + target + " is not allowed: rules use the fact model only (import io.nbo.model.*;), "
                            + HINT);
                }
            }
            pkg.getFunctionImports().forEach(i -> error(i, "import function " + i.getTarget()
                    + " is not allowed: rules call the methods of the facts only (" + HINT + ")"));
            pkg.getAccumulateImports().forEach(i -> error(i, "import accumulate " + i.getTarget() + " is not allowed (" + HINT + ")"));
            pkg.getGlobals().forEach(g -> error(g, "global " + g.getType() + " " + g.getIdentifier()
                    + " is not allowed: rules write their results to the Result fact ($r.eligible, exclude, boost,"
                    + " preferChannel), never to a global"));
            pkg.getFunctions().forEach(f -> error(f, "function " + f.getName()
                    + " is not allowed: rules call the methods of the facts only; ask for a helper in the fact model (" + HINT + ")"));
            pkg.getClassAndEnumDeclarationDescrs().forEach(t -> error(t, "declare " + t.getTypeName()
                    + " is not allowed: rules match the facts nbo gives them (" + String.join(", ", RuleLanguage.FACT_TYPES.keySet().stream().sorted().toList())
                    + ")"));
            pkg.getEntryPointDeclarations().forEach(e -> error(e, "declare entry-point is not allowed (" + HINT + ")"));
            pkg.getWindowDeclarations().forEach(w -> error(w, "declare window is not allowed (" + HINT + ")"));
        }

        private void rule(RuleDescr rule) {
            String label = (rule.isQuery() ? "query \"" : "rule \"") + rule.getName() + "\"";
            if (rule.isQuery()) {
                error(rule, label + ": queries are not part of the marketer language: rules make offers eligible through $r");
                return;
            }
            for (AttributeDescr attribute : rule.getAttributes().values()) {
                Pattern value = ATTRIBUTES.get(attribute.getName());
                String given = unquote(attribute.getValue());
                if (value == null) {
                    error(attribute, label + ": the attribute " + attribute.getName() + " is not allowed (allowed: "
                            + String.join(", ", ATTRIBUTES.keySet().stream().sorted().toList()) + ")");
                } else if (!value.matcher(given).matches()) {
                    error(attribute, label + ": " + attribute.getName() + " takes " + (attribute.getName().equals("salience")
                            ? "a whole number" : attribute.getName().equals("dialect") ? "\"java\" only" : "a plain value")
                            + ", not " + attribute.getValue());
                }
            }
            if (!rule.getNamedConsequences().isEmpty()) {
                error(rule, label + ": named consequences (do[...]) are not allowed (" + HINT + ")");
            }
            Map<String, Typed> scope = new LinkedHashMap<>();
            lhs(rule.getLhs(), label, scope);
            consequence(rule, label, scope);
        }

        // ------------------------------------------------------------------------------ conditions

        private void lhs(BaseDescr d, String label, Map<String, Typed> scope) {
            if (d instanceof AndDescr || d instanceof OrDescr || d instanceof NotDescr || d instanceof ExistsDescr) {
                for (BaseDescr child : ((org.drools.drl.ast.descr.ConditionalElementDescr) d).getDescrs()) {
                    lhs(child, label, scope);
                }
            } else if (d instanceof PatternDescr p) {
                pattern(p, label, scope);
            } else if (d instanceof EvalDescr e) {
                String content = String.valueOf(e.getContent());
                int at = e.getStartCharacter() >= 0 ? text.indexOf(content, e.getStartCharacter()) : -1;
                expression(content, at, null, label, scope, true);
            } else {
                error(d, label + ": " + kind(d) + " is not part of the marketer language: conditions are patterns on "
                        + "Customer, Request, Offer and Result, combined with and, or, not and exists (" + HINT + ")");
            }
        }

        private void pattern(PatternDescr p, String label, Map<String, Typed> scope) {
            String typeName = p.getObjectType();
            String simple = typeName.startsWith(MODEL_PACKAGE + ".") ? typeName.substring(MODEL_PACKAGE.length() + 1) : typeName;
            Class<?> type = RuleLanguage.FACT_TYPES.get(simple);
            if (type == null && RuleLanguage.ELEMENT_TYPES.containsKey(simple) && p.getSource() instanceof FromDescr from) {
                // CartItem(...) from $c.cart.items: the list must be one of the fact model's, of this pattern's type.
                type = RuleLanguage.ELEMENT_TYPES.get(simple);
                String expression = from.getExpression() == null ? "" : from.getExpression();
                int at = p.getStartCharacter() >= 0 ? find("from", p.getStartCharacter()) : -1;
                Typed list = expression(expression, at >= 0 ? text.indexOf(expression, at) : -1, null, label, scope, false);
                if (list != null && (!List.class.isAssignableFrom(list.type()) || list.element() != type)) {
                    error(at, label + ": " + simple + "(...) from takes a list of " + simple + " of the fact model, such as "
                            + (type == CartItem.class ? "$c.cart.items" : "$c.recent") + " (" + HINT + ")");
                    return;
                }
            } else if (type == null) {
                int name = p.getStartCharacter() >= 0 ? find(Pattern.quote(typeName), p.getStartCharacter()) : -1;
                String message = label + ": " + typeName + " is not a fact rules can match: use "
                        + String.join(", ", RuleLanguage.FACT_TYPES.keySet().stream().sorted().toList())
                        + (RuleLanguage.ELEMENT_TYPES.containsKey(simple) ? ", or " + simple + "(...) from a list such as $c.cart.items" : "");
                if (name >= 0) {
                    error(name, message);
                } else {
                    error(p, message);
                }
                return;
            }
            if (p.getSource() != null && !RuleLanguage.ELEMENT_TYPES.containsValue(type)) {
                error(p, label + ": " + kind(p.getSource()) + " is not part of the marketer language: match the facts "
                        + "themselves and read their properties in the conditions (" + HINT + ")");
                return;
            }
            if (!p.getBehaviors().isEmpty() || p.isQuery() || p.isUnification()) {
                error(p, label + ": windows, queries and unification (:=) are not part of the marketer language (" + HINT + ")");
                return;
            }
            if (p.getIdentifier() != null) {
                scope.put(p.getIdentifier(), Typed.of(type));
            }
            for (BaseDescr c : p.getDescrs()) {
                if (c instanceof ExprConstraintDescr e) {
                    expression(e.getExpression(), e.getStartCharacter(), type, label, scope, true);
                } else if (c instanceof BindingDescr b) {
                    int at = b.getStartCharacter();
                    Typed t = expression(b.getExpression(), at >= 0 ? text.indexOf(b.getExpression(), at) : -1, type, label, scope, false);
                    if (t != null) {
                        scope.put(b.getVariable(), t);
                    }
                } else {
                    error(c, label + ": " + kind(c) + " is not part of the marketer language (" + HINT + ")");
                }
            }
        }

        /**
         * Parses and checks one condition with Drools' constraint parser.
         *
         * @param at   the offset of the expression in the file, or -1
         * @param self the type the pattern matches (its properties are names in the condition), or null
         */
        private Typed expression(String source, int at, Class<?> self, String label, Map<String, Typed> scope, boolean condition) {
            Expression parsed;
            try {
                parsed = DrlxParser.parseExpression(DrlxParser.buildDrlxParserWithArguments(DRLX_OPERATORS), source);
            } catch (RuntimeException e) {
                error(at, label + ": the condition " + abbreviate(source) + " could not be read as a condition of the marketer language ("
                        + HINT + ")");
                return null;
            }
            Expr check = new Expr(at, source, self, label, scope);
            try {
                return check.type(parsed);
            } catch (Refused refused) {
                return null;
            }
        }

        // ------------------------------------------------------------------------------ actions

        private void consequence(RuleDescr rule, String label, Map<String, Typed> scope) {
            String body = rule.getConsequence() == null ? "" : rule.getConsequence().toString();
            int at = consequenceOffset(rule, body);
            JavaParser parser = new JavaParser(new ParserConfiguration()
                    .setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_17)
                    .setPreprocessUnicodeEscapes(false));
            ParseResult<BlockStmt> result = parser.parseBlock("{" + body + "\n}");
            if (!result.isSuccessful() || result.getResult().isEmpty()) {
                String problem = result.getProblems().isEmpty() ? "" : result.getProblems().get(0).getMessage().lines().findFirst().orElse("");
                error(at, label + ": the actions could not be read as Java statements of the marketer language"
                        + (body.contains("modify") ? " (modify, insert, update and delete are not allowed: rules write to $r only)" : "")
                        + (problem.isEmpty() ? "" : ": " + problem) + " (" + HINT + ")");
                return;
            }
            Map<String, Typed> locals = new HashMap<>(scope);
            Statements statements = new Statements(at, body, label);
            try {
                statements.block(result.getResult().get(), locals);
            } catch (Refused refused) {
                // Reported; later statements may depend on what was refused.
            }
        }

        /** Where the text of the actions starts in the file: after the rule's {@code then}. */
        private int consequenceOffset(RuleDescr rule, String body) {
            int from = Math.max(rule.getLhs() == null ? 0 : rule.getLhs().getEndCharacter(), rule.getStartCharacter());
            int then = find("then", Math.max(from, 0));
            if (then < 0) {
                return -1;
            }
            int start = then + 4;
            String head = body.strip();
            if (!head.isEmpty()) {
                int first = text.indexOf(head.substring(0, Math.min(head.length(), 16)), start);
                int lead = body.indexOf(head.charAt(0));
                if (first >= 0 && lead >= 0) {
                    return first - lead;
                }
            }
            return start;
        }

        /** Checks the statements of one rule's actions. */
        private final class Statements {
            private final int at;
            private final int[] bodyLines;
            private final String label;

            Statements(int at, String body, String label) {
                this.at = at;
                this.bodyLines = lineStarts(body);
                this.label = label;
            }

            void block(BlockStmt block, Map<String, Typed> locals) {
                Map<String, Typed> inner = new HashMap<>(locals);
                for (Statement s : block.getStatements()) {
                    try {
                        statement(s, inner);
                    } catch (Refused refused) {
                        // Reported; the next statements are checked too, so every refused use is listed at once.
                    }
                }
            }

            private void statement(Statement s, Map<String, Typed> locals) {
                if (s instanceof BlockStmt b) {
                    block(b, locals);
                } else if (s instanceof EmptyStmt) {
                    return;
                } else if (s instanceof IfStmt i) {
                    expr(locals).type(i.getCondition());
                    statement(i.getThenStmt(), new HashMap<>(locals));
                    i.getElseStmt().ifPresent(e -> statement(e, new HashMap<>(locals)));
                } else if (s instanceof ExpressionStmt e) {
                    Expression x = e.getExpression();
                    if (x instanceof VariableDeclarationExpr v) {
                        declaration(v, locals);
                    } else if (x instanceof AssignExpr a) {
                        assignment(a, locals);
                    } else if (x instanceof MethodCallExpr) {
                        expr(locals).type(x);
                    } else {
                        refuse(s, "only calls such as $r.eligible($o, \"...\"), local variables and if/else are allowed in actions");
                    }
                } else {
                    refuse(s, statementKind(s) + " is not allowed in actions: actions are calls on $r, local variables and"
                            + " if/else, and finish at once");
                }
            }

            private void declaration(VariableDeclarationExpr v, Map<String, Typed> locals) {
                if (!v.getAnnotations().isEmpty() || v.getModifiers().stream().anyMatch(m -> m.getKeyword() != com.github.javaparser.ast.Modifier.Keyword.FINAL)) {
                    refuse(v, "local variables take no annotations or modifiers other than final");
                }
                for (VariableDeclarator d : v.getVariables()) {
                    String typeName = d.getTypeAsString();
                    Class<?> type = RuleLanguage.LOCAL_TYPES.get(typeName);
                    if (type == null && !typeName.equals("var")) {
                        refuse(d, "a local variable of type " + typeName + " is not allowed (allowed: "
                                + String.join(", ", RuleLanguage.LOCAL_TYPES.keySet().stream().sorted().toList()) + ")");
                    }
                    Typed value = d.getInitializer().map(init -> expr(locals).type(init)).orElse(null);
                    Typed declared = type != null ? Typed.of(type) : value;
                    if (declared == null || (type == null && !RuleLanguage.LOCAL_TYPES.containsValue(declared.type()))) {
                        refuse(d, "var needs a value of type " + String.join(", ", RuleLanguage.LOCAL_TYPES.keySet().stream().sorted().toList()));
                    }
                    locals.put(d.getNameAsString(), declared);
                }
            }

            private void assignment(AssignExpr a, Map<String, Typed> locals) {
                if (!(a.getTarget() instanceof NameExpr n) || !locals.containsKey(n.getNameAsString())
                        || RuleLanguage.FACT_TYPES.containsValue(locals.get(n.getNameAsString()).type())) {
                    refuse(a, "only local variables of the actions can be assigned");
                }
                expr(locals).type(a.getValue());
            }

            private Expr expr(Map<String, Typed> locals) {
                return new Expr(this, locals, label);
            }

            int offsetOf(Node node) {
                if (at < 0 || node.getBegin().isEmpty()) {
                    return at;
                }
                Position p = node.getBegin().get();
                int line = p.line - 1;
                if (line >= bodyLines.length) {
                    return at;
                }
                // The block was parsed as "{" + body: one character more on its first line.
                int column = p.column - 1 - (line == 0 ? 1 : 0);
                return at + bodyLines[line] + Math.max(column, 0);
            }

            void refuse(Node node, String message) {
                error(offsetOf(node), label + ": " + message + " (" + HINT + ")");
                throw new Refused();
            }
        }

        /** Checks one expression, resolving every name against the fact model; reports the first refused use. */
        private final class Expr {
            private final int at;
            private final String source;
            private final Class<?> self;
            private final String label;
            private final Map<String, Typed> scope;
            private final Statements statements;
            private int searchFrom;

            /** A condition: positions are found by searching the condition's text. */
            Expr(int at, String source, Class<?> self, String label, Map<String, Typed> scope) {
                this.at = at;
                this.source = source;
                this.self = self;
                this.label = label;
                this.scope = scope;
                this.statements = null;
            }

            /** An expression of the actions: JavaParser knows its positions. */
            Expr(Statements statements, Map<String, Typed> locals, String label) {
                this.at = -1;
                this.source = null;
                this.self = null;
                this.label = label;
                this.scope = locals;
                this.statements = statements;
            }

            Typed type(Expression e) {
                if (e instanceof DrlxExpression d) {
                    Typed t = type(d.getExpr());
                    if (d.getBind() != null) {
                        scope.put(d.getBind().getIdentifier(), t);
                    }
                    return t;
                }
                if (e instanceof EnclosedExpr en) {
                    return type(en.getInner());
                }
                if (e instanceof StringLiteralExpr || e instanceof TextBlockLiteralExpr) {
                    return Typed.STRING;
                }
                if (e instanceof IntegerLiteralExpr) {
                    return Typed.of(int.class);
                }
                if (e instanceof LongLiteralExpr) {
                    return Typed.of(long.class);
                }
                if (e instanceof DoubleLiteralExpr) {
                    return Typed.of(double.class);
                }
                if (e instanceof BooleanLiteralExpr) {
                    return Typed.BOOLEAN;
                }
                if (e instanceof CharLiteralExpr) {
                    return Typed.of(char.class);
                }
                if (e instanceof NullLiteralExpr) {
                    return Typed.NULL;
                }
                if (e instanceof ThisExpr t) {
                    if (self == null || t.getTypeName().isPresent()) {
                        refuse(e, "this", "this is only allowed inside a pattern, for the fact it matches");
                    }
                    return Typed.of(self);
                }
                if (e instanceof NameExpr n) {
                    return name(n);
                }
                if (e instanceof FieldAccessExpr f) {
                    return property(type(f.getScope()), f.getNameAsString(), e);
                }
                if (e instanceof NullSafeFieldAccessExpr f) {
                    return property(type(f.getScope()), f.getNameAsString(), e);
                }
                if (e instanceof MethodCallExpr m) {
                    if (m.getTypeArguments().isPresent()) {
                        refuse(e, m.getNameAsString(), "type arguments are not allowed");
                    }
                    return call(m.getScope().orElse(null), m.getNameAsString(), m.getArguments(), e);
                }
                if (e instanceof NullSafeMethodCallExpr m) {
                    return call(m.getScope().orElse(null), m.getNameAsString(), m.getArguments(), e);
                }
                if (e instanceof BinaryExpr b) {
                    return binary(type(b.getLeft()), b.getOperator(), type(b.getRight()));
                }
                if (e instanceof HalfBinaryExpr h) {
                    type(h.getRight());
                    return Typed.BOOLEAN;
                }
                if (e instanceof UnaryExpr u) {
                    Typed t = type(u.getExpression());
                    return switch (u.getOperator()) {
                        case LOGICAL_COMPLEMENT -> Typed.BOOLEAN;
                        case MINUS, PLUS -> t;
                        default -> {
                            refuse(e, u.getOperator().asString(), u.getOperator().asString() + " is not allowed: only local variables change, by assignment");
                            yield null;
                        }
                    };
                }
                if (e instanceof ConditionalExpr c) {
                    type(c.getCondition());
                    Typed then = type(c.getThenExpr());
                    Typed otherwise = type(c.getElseExpr());
                    return then.equals(Typed.NULL) ? otherwise : then;
                }
                if (e instanceof PointFreeExpr p) {
                    operator(p.getOperator().getIdentifier(), e);
                    type(p.getLeft());
                    p.getRight().forEach(this::type);
                    return Typed.BOOLEAN;
                }
                if (e instanceof HalfPointFreeExpr p) {
                    operator(p.getOperator().getIdentifier(), e);
                    p.getRight().forEach(this::type);
                    return Typed.BOOLEAN;
                }
                refuse(e, null, expressionKind(e) + " is not part of the marketer language");
                return null;
            }

            private void operator(String name, Expression e) {
                if (name.equals("matches")) {
                    refuse(e, "matches", "the matches operator runs java.util.regex, which can take seconds on some texts:"
                            + " use Text.matches(value, \"pattern\") (RE2, time linear in the text)");
                }
                if (!OPERATORS.contains(name)) {
                    refuse(e, name, "the operator " + name + " is not allowed (allowed: ==, !=, <, <=, >, >=, &&, ||, !, "
                            + "in, not in, contains, not contains, memberOf)");
                }
            }

            private Typed name(NameExpr n) {
                String name = n.getNameAsString();
                if (n instanceof DrlNameExpr d && d.getBackReferencesCount() > 0) {
                    refuse(n, name, "back references (../) are not allowed");
                }
                Typed bound = scope.get(name);
                if (bound != null) {
                    return bound;
                }
                if (self != null) {
                    return property(Typed.of(self), name, n);
                }
                refuse(n, name, name + " is not a bound fact, a local variable or a property here: actions may use only"
                        + " the facts the conditions bind ($r, $o, ...) and their own local variables");
                return null;
            }

            private Typed property(Typed owner, String name, Expression e) {
                if (owner == null || owner.type().isPrimitive() || owner.equals(Typed.NULL)) {
                    refuse(e, name, "." + name + " is not allowed here");
                }
                Method getter = RuleLanguage.property(owner.type(), name).orElse(null);
                if (getter == null) {
                    refuse(e, name, simpleName(owner.type()) + " has no property " + name + " that rules may read" + known(owner.type()));
                }
                return Typed.of(getter.getGenericReturnType());
            }

            private Typed call(Expression scopeExpr, String name, List<Expression> args, Expression e) {
                Class<?> owner;
                boolean statics = false;
                if (scopeExpr == null) {
                    if (self == null) {
                        refuse(e, name, name + "(...) is not a function rules may call: call methods on the facts the conditions"
                                + " bind, e.g. $r.eligible($o, \"...\")");
                    }
                    owner = self;
                } else if (scopeExpr instanceof NameExpr n && !scope.containsKey(n.getNameAsString())
                        && RuleLanguage.STATIC_SCOPES.containsKey(n.getNameAsString())
                        && (self == null || RuleLanguage.property(self, n.getNameAsString()).isEmpty())) {
                    owner = RuleLanguage.STATIC_SCOPES.get(n.getNameAsString());
                    statics = true;
                } else {
                    Typed t = type(scopeExpr);
                    if (t == null || t.type().isPrimitive() || t.equals(Typed.NULL)) {
                        refuse(e, name, "." + name + "(...) cannot be called here");
                    }
                    owner = t.type();
                }
                boolean wantStatic = statics;
                List<Method> candidates = RuleLanguage.methods(owner, name).stream()
                        .filter(m -> Modifier.isStatic(m.getModifiers()) == wantStatic)
                        .toList();
                if (candidates.isEmpty()) {
                    refuse(e, name, simpleName(owner) + " has no method " + name + "() that rules may call" + known(owner));
                }
                List<Typed> given = new ArrayList<>();
                for (Expression a : args) {
                    given.add(type(a));
                }
                Method chosen = candidates.stream().filter(m -> m.getParameterCount() == given.size()).findFirst().orElse(null);
                if (chosen == null) {
                    refuse(e, name, simpleName(owner) + "." + name + " takes " + String.join(" or ", candidates.stream()
                            .map(m -> String.valueOf(m.getParameterCount())).distinct().sorted().toList()) + " argument(s), not " + given.size());
                }
                return Typed.of(chosen.getGenericReturnType());
            }

            private Typed binary(Typed left, BinaryExpr.Operator op, Typed right) {
                return switch (op) {
                    case OR, AND, EQUALS, NOT_EQUALS, LESS, GREATER, LESS_EQUALS, GREATER_EQUALS -> Typed.BOOLEAN;
                    case PLUS -> left.type() == String.class || right.type() == String.class ? Typed.STRING : numeric(left, right);
                    default -> numeric(left, right);
                };
            }

            private Typed numeric(Typed left, Typed right) {
                for (Class<?> c : List.of(double.class, Double.class, float.class, long.class, Long.class)) {
                    if (left.type() == c || right.type() == c) {
                        return Typed.of(c == Double.class || c == float.class ? double.class : c == Long.class ? long.class : c);
                    }
                }
                return Typed.of(int.class);
            }

            /** Reports the first refused use in this expression, at the name it concerns when it can be found. */
            private void refuse(Node node, String name, String message) {
                if (statements != null) {
                    Node at = node instanceof MethodCallExpr m ? m.getName() : node instanceof FieldAccessExpr f ? f.getName() : node;
                    statements.refuse(at, message);
                }
                int offset = at;
                if (at >= 0 && name != null) {
                    int found = identifierIn(source, name, searchFrom);
                    if (found < 0) {
                        found = identifierIn(source, name, 0);
                    }
                    if (found >= 0) {
                        searchFrom = found;
                        offset = text.indexOf(source, at) == at ? at + found : at;
                    }
                }
                error(offset, label + ": " + message + " (" + HINT + ")");
                throw new Refused();
            }
        }

        private static String known(Class<?> owner) {
            Set<String> names = RuleLanguage.METHODS.get(owner);
            return names == null ? "" : " (" + simpleName(owner) + " offers: " + String.join(", ", names.stream()
                    .map(FileCheck::asWritten).sorted().toList()) + ")";
        }

        /** How rules write a member: getters as properties ({@code getCart} is {@code cart}), other methods with (). */
        private static String asWritten(String method) {
            for (String prefix : List.of("get", "is")) {
                if (method.length() > prefix.length() && method.startsWith(prefix) && Character.isUpperCase(method.charAt(prefix.length()))) {
                    return Character.toLowerCase(method.charAt(prefix.length())) + method.substring(prefix.length() + 1);
                }
            }
            return method + "()";
        }

        private int find(String keyword, int from) {
            Pattern p = Pattern.compile("\\b" + keyword + "\\b");
            java.util.regex.Matcher m = p.matcher(text);
            return m.find(Math.max(0, from)) ? m.start() : -1;
        }

        private void error(BaseDescr d, String message) {
            if (d.getStartCharacter() >= 0) {
                error(d.getStartCharacter(), message);
                return;
            }
            int line = Math.max(d.getLine(), 0);
            int column = d.getColumn() >= 0 ? d.getColumn() + 1 : 0;
            errors.putIfAbsent(line + ":" + column + ":" + message, new SourceError(file, line, column, message));
        }

        private void error(int offset, String message) {
            int line = 0;
            int column = 0;
            if (offset >= 0) {
                int index = Arrays.binarySearch(lineStarts, offset);
                int lineIndex = index >= 0 ? index : -index - 2;
                line = lineIndex + 1;
                column = offset - lineStarts[lineIndex] + 1;
            }
            errors.putIfAbsent(line + ":" + column + ":" + message, new SourceError(file, line, column, message));
        }
    }

    static boolean importAllowed(String target) {
        if (target.equals(MODEL_PACKAGE + ".*")) {
            return true;
        }
        if (!target.startsWith(MODEL_PACKAGE + ".")) {
            return false;
        }
        String simple = target.substring(MODEL_PACKAGE.length() + 1);
        return RuleLanguage.FACT_TYPES.containsKey(simple) || RuleLanguage.METHODS.keySet().stream()
                .anyMatch(c -> c.getName().equals(target));
    }

    /** Where a whole identifier occurs in a text, from an index; -1 when it does not. */
    private static int identifierIn(String source, String name, int from) {
        for (int i = source.indexOf(name, from); i >= 0; i = source.indexOf(name, i + 1)) {
            boolean startOk = i == 0 || !Character.isJavaIdentifierPart(source.charAt(i - 1));
            int end = i + name.length();
            boolean endOk = end >= source.length() || !Character.isJavaIdentifierPart(source.charAt(end));
            if (startOk && endOk) {
                return i;
            }
        }
        return -1;
    }

    private static String kind(BaseDescr d) {
        String name = d.getClass().getSimpleName().replace("Descr", "").toLowerCase(Locale.ROOT);
        return switch (name) {
            case "from" -> "from";
            case "accumulate" -> "accumulate";
            case "collect" -> "collect";
            case "entrypoint" -> "from entry-point";
            case "forall" -> "forall";
            default -> name;
        };
    }

    private static String expressionKind(Expression e) {
        String name = e.getClass().getSimpleName();
        return switch (name) {
            case "ObjectCreationExpr" -> "new (creating objects, anonymous classes included)";
            case "ArrayCreationExpr", "ArrayInitializerExpr" -> "creating arrays";
            case "ArrayAccessExpr" -> "[...] access";
            case "CastExpr", "InlineCastExpr", "FullyQualifiedInlineCastExpr" -> "a cast";
            case "InstanceOfExpr" -> "instanceof";
            case "ClassExpr" -> ".class";
            case "LambdaExpr" -> "a lambda";
            case "MethodReferenceExpr" -> "a method reference (::)";
            case "AssignExpr" -> "assignment in a condition";
            case "SuperExpr" -> "super";
            case "SwitchExpr" -> "switch";
            case "OOPathExpr" -> "an OOPath (/...)";
            case "ListCreationLiteralExpression", "MapCreationLiteralExpression" -> "a list or map literal";
            default -> name.replace("Expr", "").replace("Expression", "");
        };
    }

    private static String statementKind(Statement s) {
        String name = s.getClass().getSimpleName().replace("Stmt", "");
        return switch (name) {
            case "For", "ForEach", "While", "Do" -> "a " + name.toLowerCase(Locale.ROOT) + " loop";
            case "LocalClassDeclaration", "LocalRecordDeclaration" -> "declaring a class";
            case "Synchronized" -> "synchronized";
            case "Try" -> "try";
            case "Throw" -> "throw";
            case "Return" -> "return";
            default -> name.toLowerCase(Locale.ROOT);
        };
    }

    private static String simpleName(Class<?> c) {
        return c.getSimpleName();
    }

    private static String abbreviate(String s) {
        String one = s.strip().replaceAll("\\s+", " ");
        return one.length() <= 60 ? one : one.substring(0, 57) + "...";
    }

    private static String unquote(String value) {
        return value == null ? "" : value.strip().replaceAll("^[\"']|[\"']$", "");
    }

    private static boolean isHex(String s) {
        return s.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    private static int[] lineStarts(String text) {
        List<Integer> starts = new ArrayList<>(List.of(0));
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n'))) {
                starts.add(i + 1);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }
}
