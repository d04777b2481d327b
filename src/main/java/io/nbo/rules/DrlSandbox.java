package io.nbo.rules;

import io.nbo.model.SourceError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.drools.drl.ast.descr.AbstractClassTypeDeclarationDescr;
import org.drools.drl.ast.descr.AttributeDescr;
import org.drools.drl.ast.descr.BaseDescr;
import org.drools.drl.ast.descr.FunctionDescr;
import org.drools.drl.ast.descr.GlobalDescr;
import org.drools.drl.ast.descr.ImportDescr;
import org.drools.drl.ast.descr.PackageDescr;
import org.drools.drl.ast.descr.RuleDescr;

/**
 * Refuses DRL that reaches outside the fact model: Java APIs beyond a small allow-list, reflection,
 * processes, threads, files, globals and changes to the session. See "What rules may not do" in
 * {@code rules/README.md} for the list, and why.
 */
public final class DrlSandbox {

    static final String HINT = "rules may only use the fact model, java.time, java.util collections and Math;"
            + " see \"What rules may not do\" in rules/README.md";

    /** java.lang classes rules may name; every other java.lang class (System, Thread, Class...) is refused. */
    static final Set<String> JAVA_LANG_ALLOWED = Set.of("String", "Math", "StrictMath", "Integer", "Long", "Double", "Float",
            "Short", "Byte", "Boolean", "Character", "Number", "StringBuilder", "StringBuffer", "Comparable", "Iterable",
            "Enum", "CharSequence", "Object", "Override", "Deprecated", "SuppressWarnings", "FunctionalInterface", "SafeVarargs");

    static final Set<String> JAVA_UTIL_ALLOWED = Set.of("List", "Map", "Set", "Collection", "Collections", "Arrays", "Objects",
            "Optional", "OptionalInt", "OptionalLong", "OptionalDouble", "ArrayList", "LinkedList", "HashMap", "HashSet",
            "LinkedHashMap", "LinkedHashSet", "TreeMap", "TreeSet", "EnumMap", "EnumSet", "SortedMap", "SortedSet",
            "NavigableMap", "NavigableSet", "Queue", "Deque", "ArrayDeque", "Iterator", "ListIterator", "Comparator",
            "StringJoiner", "Locale");

    /** Packages whose every class rules may use. */
    static final Set<String> PACKAGES_ALLOWED = Set.of("io.nbo.model", "java.time", "java.time.temporal", "java.time.format",
            "java.time.chrono");

    /**
     * Dangerous classes outside java.lang, refused by simple name too: they only resolve through an import
     * (which is refused) or the imports the engine adds to generated code, but naming one is never right.
     */
    static final Set<String> CLASSES_REFUSED = Set.of("File", "Files", "Path", "Paths", "FileSystem", "FileSystems",
            "FileInputStream", "FileOutputStream", "FileReader", "FileWriter", "RandomAccessFile", "Socket", "ServerSocket",
            "DatagramSocket", "URL", "URLConnection", "HttpURLConnection", "URLClassLoader", "HttpClient", "InetAddress",
            "Executors", "ExecutorService", "ForkJoinPool", "CompletableFuture", "TimeUnit", "LockSupport", "Timer",
            "TimerTask", "ServiceLoader", "Scanner", "Method", "Field", "Constructor", "Proxy", "MethodHandles",
            "MethodHandle", "VarHandle", "Unsafe", "Introspector", "ScriptEngineManager", "ScriptEngine", "InitialContext",
            "KieServices", "KieSession", "KieRuntime", "KieContainer", "KieBase", "KnowledgeHelper", "RuleContext");

    private static final Set<String> REFLECTION_MEMBERS = Set.of("getClass", "class", "classLoader", "getClassLoader",
            "getContextClassLoader", "setContextClassLoader", "getSystemClassLoader", "getPlatformClassLoader", "forName",
            "newInstance", "getDeclaredMethod", "getDeclaredMethods", "getDeclaredField", "getDeclaredFields",
            "getDeclaredConstructor", "getDeclaredConstructors", "getDeclaredClasses", "getMethod", "getMethods", "getField",
            "getFields", "getConstructor", "getConstructors", "setAccessible", "trySetAccessible", "invoke", "invokeExact",
            "invokeWithArguments", "privateLookupIn", "getModule", "getProtectionDomain", "getResource",
            "getResourceAsStream", "defineClass", "loadClass");

    private static final Set<String> SYSTEM_MEMBERS = Set.of("exec", "exit", "halt", "getRuntime", "load", "loadLibrary",
            "mapLibraryName", "addShutdownHook", "removeShutdownHook", "getenv", "getProperties", "setProperty",
            "setProperties", "clearProperty", "getInteger", "getLong", "getBoolean", "setDefault", "gc", "runFinalization",
            "setSecurityManager", "setIn", "setOut", "setErr", "console", "inheritedChannel");

    private static final Set<String> WAIT_MEMBERS = Set.of("wait", "notify", "notifyAll");

    private static final Set<String> SESSION_MEMBERS = Set.of("getKieRuntime", "getWorkingMemory", "getKnowledgeRuntime",
            "getKieBase", "getKieSession", "getSession", "getEntryPoint", "getEntryPoints", "getAgenda", "getGlobal",
            "getGlobals", "setGlobal", "getChannels", "getFactHandle", "getFactHandles", "insertLogical", "fireAllRules",
            "fireUntilHalt",
            // nbo records which rule is firing (a rule calling it could take credit for another) and
            // hands each decision's result over when the rules are done (a rule calling it would lose it)
            "firing", "handOver");

    /** Calls that change the session when written bare in an action ({@code insert($x)}, {@code modify($x) {...}}). */
    private static final Set<String> SESSION_CALLS = Set.of("insert", "insertLogical", "update", "modify", "delete", "retract",
            "halt");

    /** What {@code drools.} and {@code kcontext.} may be followed by. */
    private static final Set<String> CONTEXT_READS = Set.of("getRule");

    private static final Set<String> LOOPS = Set.of("while", "until", "foreach");

    private static final Map<String, Boolean> JAVA_LANG_CLASSES = new ConcurrentHashMap<>();

    private DrlSandbox() {
    }

    /**
     * Checks the {@code *.drl} entries of a rule set (file name to content); other entries are ignored,
     * and so is a file the DRL parser cannot read (the compiler reports its syntax errors).
     *
     * @return every refused use, by file, line and column; empty when the rule set stays inside the sandbox
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
    static List<SourceError> check(ParsedDrl drl) {
        if (drl.failure() != null) {
            // Not a syntax error but a parser failure: a file that cannot be checked is not let through.
            return List.of(new SourceError(drl.file(), 0, 0, "this file could not be checked for what rules may not do ("
                    + drl.failure() + "); see rules/README.md"));
        }
        return drl.pkg() == null ? List.of() : new FileCheck(drl.file(), drl.text(), drl.pkg()).run();
    }

    /** The checks of one parsed file. */
    private static final class FileCheck {

        private final String file;
        private final String text;
        private final PackageDescr pkg;
        private final List<Token> tokens;
        private final int[] lineStarts;
        private final TreeMap<Integer, Part> parts = new TreeMap<>();
        private final Set<Integer> quiet = new HashSet<>();
        private final Set<Integer> reported = new HashSet<>();
        private final Map<String, SourceError> errors = new LinkedHashMap<>();

        FileCheck(String file, String text, PackageDescr pkg) {
            this.file = file;
            this.text = text;
            this.pkg = pkg;
            this.tokens = Lexer.tokenize(text);
            this.lineStarts = lineStarts(text);
        }

        List<SourceError> run() {
            unicodeEscapes();
            packageAndDialect();
            imports();
            globals();
            for (FunctionDescr f : pkg.getFunctions()) {
                addPart(f, "function " + f.getName(), false);
            }
            for (AbstractClassTypeDeclarationDescr type : pkg.getClassAndEnumDeclarationDescrs()) {
                addPart(type, "declare " + type.getTypeName(), false);
                if (isRefusedClass(type.getTypeName())) {
                    // Reported here once; the name's token is not reported again as a use of the class.
                    reported.add(type.getStartCharacter());
                    error(type.getStartCharacter(), type, "declare " + type.getTypeName() + ": " + type.getTypeName()
                            + " is the name of a Java class rules may not use; choose another name");
                }
            }
            for (RuleDescr rule : pkg.getRules()) {
                String label = (rule.isQuery() ? "query \"" : "rule \"") + rule.getName() + "\"";
                addPart(rule, label, false);
                AttributeDescr dialect = rule.getAttributes().get("dialect");
                if (dialect != null && isMvel(dialect.getValue())) {
                    error(dialect.getStartCharacter(), dialect, label + ": dialect \"mvel\" is not allowed: write rules in the"
                            + " default (Java) dialect (see \"What rules may not do\" in rules/README.md)");
                }
            }
            code();
            recursion();
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
                    error(i, null, "unicode escapes such as " + text.substring(i, j + 4)
                            + " are not allowed in rules files: type the character itself");
                }
            }
        }

        private void packageAndDialect() {
            String name = pkg.getName() == null ? "" : pkg.getName();
            if (!name.isEmpty() && !name.equals("rules") && !name.startsWith("rules.")) {
                int at = -1;
                for (int i = 0; i + 1 < tokens.size(); i++) {
                    if (tokens.get(i).is("package")) {
                        at = tokens.get(i + 1).start;
                        break;
                    }
                }
                error(at, pkg, "package " + name + " is not allowed: rules files start with package rules;");
            }
            for (AttributeDescr attribute : pkg.getAttributes()) {
                if ("dialect".equals(attribute.getName()) && isMvel(attribute.getValue())) {
                    error(attribute.getStartCharacter(), attribute, "dialect \"mvel\" is not allowed: write rules in the"
                            + " default (Java) dialect (see \"What rules may not do\" in rules/README.md)");
                }
            }
        }

        private void imports() {
            List<ImportDescr> all = new ArrayList<>(pkg.getImports());
            all.addAll(pkg.getFunctionImports());
            all.addAll(pkg.getAccumulateImports());
            for (ImportDescr imp : all) {
                Part part = addPart(imp, null, true);
                String target = imp.getTarget() == null ? "" : imp.getTarget().strip();
                if (importAllowed(target)) {
                    continue;
                }
                int at = part == null ? -1 : firstTargetToken(part);
                String kind = switch (imp.getClass().getSimpleName()) {
                    case "FunctionImportDescr" -> "import function ";
                    case "AccumulateImportDescr" -> "import accumulate ";
                    default -> "import ";
                };
                String advice = target.equals("java.util.*")
                        ? " (import the java.util classes you need one by one, e.g. import java.util.List; " + HINT + ")"
                        : " (" + HINT + ")";
                error(at, imp, kind + target + " is not allowed" + advice);
            }
        }

        private int firstTargetToken(Part part) {
            for (Token t : tokens) {
                if (t.start >= part.start && t.start <= part.end && t.kind == Kind.IDENT
                        && !t.is("import") && !t.is("function") && !t.is("static") && !t.is("accumulate")) {
                    return t.start;
                }
            }
            return part.start;
        }

        private void globals() {
            for (GlobalDescr global : pkg.getGlobals()) {
                addPart(global, null, true);
                error(global.getStartCharacter(), global, "global " + global.getType() + " " + global.getIdentifier()
                        + " is not allowed: rules write their results to the Result fact ($r.eligible, exclude, boost,"
                        + " preferChannel), never to a global");
            }
        }

        /** Walks every token outside imports and globals: rules, queries, functions, declarations and the rest. */
        private void code() {
            for (int i = 0; i < tokens.size(); i++) {
                Token t = tokens.get(i);
                Part part = partAt(t.start);
                if ((part != null && part.skip) || reported.contains(t.start)) {
                    continue;
                }
                String label = part == null ? null : part.label;
                if (t.kind == Kind.IDENT) {
                    identifier(i, label);
                }
            }
        }

        private void identifier(int i, String label) {
            Token t = tokens.get(i);
            String name = t.text;
            boolean member = isMember(i);
            boolean call = next(i, 1).is("(");
            if (member && quiet.contains(i)) {
                return;
            }
            if (member) {
                if (name.equals("class")) {
                    report(i, label, ".class is not allowed in rules: rules may not look at or load Java classes (" + HINT + ")");
                } else if (memberProblem(name) != null) {
                    report(i, label, "." + name + (call ? "(...)" : "") + " is not allowed in rules: " + memberProblem(name));
                }
                return;
            }
            // A head: the start of a name, a call or a chain such as java.io.File or $r.eligible(...).
            if (name.equals("class")) {
                report(i, label, "class declarations are not allowed in rules (" + HINT + ")");
            } else if (call && memberProblem(name) != null) {
                report(i, label, name + "(...) is not allowed in rules: " + memberProblem(name));
            } else if (call && SESSION_CALLS.contains(name)) {
                report(i, label, name + "(...) is not allowed: rules do not change the facts in the session, they write to"
                        + " the Result ($r.eligible, exclude, boost, preferChannel); see \"What rules may not do\" in rules/README.md");
            } else if (name.equals("drools") || name.equals("kcontext")) {
                Token dot = next(i, 1);
                Token read = next(i, 2);
                if (!(dot.is(".") && CONTEXT_READS.contains(read.text))) {
                    String what = dot.is(".") && read.kind == Kind.IDENT ? name + "." + read.text + (next(i, 3).is("(") ? "(...)" : "") : name;
                    report(i, label, what + " is not allowed: " + name + " may only be used to read the rule ("
                            + name + ".getRule().getName()); rules write to the Result only (see \"What rules may not do\" in rules/README.md)");
                }
            } else if (LOOPS.contains(name) && (name.equals("while") || call)) {
                report(i, label, name + " loops are not allowed in rules: a rule must finish at once"
                        + " (to go through a list, use for (X x : list))");
            } else if (name.equals("for") && isClassicFor(i)) {
                report(i, label, "for (...; ...; ...) loops are not allowed in rules: a rule must finish at once"
                        + " (to go through a list, use for (X x : list))");
            } else if (name.equals("synchronized")) {
                report(i, label, "synchronized is not allowed in rules: a rule must never wait for another one");
            } else if (Character.isUpperCase(name.charAt(0))) {
                if (isRefusedClass(name)) {
                    report(i, label, name + " is not allowed in rules (" + HINT + ")");
                }
            } else if (Character.isLowerCase(name.charAt(0))) {
                qualifiedName(i, label);
            }
        }

        /** {@code a.b.C}: lowercase segments then a capitalised one is a class named by its package. */
        private void qualifiedName(int i, String label) {
            List<String> segments = new ArrayList<>();
            segments.add(tokens.get(i).text);
            int j = i;
            while (next(j, 1).is(".") && next(j, 2).kind == Kind.IDENT) {
                j += 2;
                String segment = tokens.get(j).text;
                segments.add(segment);
                if (!Character.isLowerCase(segment.charAt(0)) || next(j, 1).is("(")) {
                    break;
                }
            }
            String last = segments.get(segments.size() - 1);
            if (segments.size() < 2 || !Character.isUpperCase(last.charAt(0))) {
                return;
            }
            String packageName = String.join(".", segments.subList(0, segments.size() - 1));
            if (!classAllowed(packageName, last)) {
                report(i, label, packageName + "." + last + " is not allowed in rules (" + HINT + ")");
            }
        }

        private boolean isClassicFor(int i) {
            if (!next(i, 1).is("(")) {
                return false;
            }
            int depth = 0;
            for (int j = i + 1; j < tokens.size(); j++) {
                Token t = tokens.get(j);
                if (t.is("(") || t.is("[") || t.is("{")) {
                    depth++;
                } else if (t.is(")") || t.is("]") || t.is("}")) {
                    if (--depth == 0) {
                        return false;
                    }
                } else if (depth == 1 && t.is(";")) {
                    return true;
                } else if (depth == 1 && t.is(":")) {
                    return false;
                }
            }
            return false;
        }

        /** Reports one problem, and keeps quiet about the rest of the same chain ({@code System.exit(0)} is one error). */
        private void report(int i, String label, String message) {
            error(tokens.get(i).start, null, label == null ? message : label + ": " + message);
            quietChain(i + 1);
        }

        private void quietChain(int from) {
            int j = from;
            while (j < tokens.size()) {
                Token t = tokens.get(j);
                if (t.is("(") || t.is("[")) {
                    j = closing(j) + 1;
                } else if ((t.is(".") || t.is("::")) && next(j, 1).kind == Kind.IDENT) {
                    quiet.add(j + 1);
                    j += 2;
                } else if (t.is(".") && next(j, 1).is("?") && next(j, 2).kind == Kind.IDENT) {
                    quiet.add(j + 2);
                    j += 3;
                } else {
                    return;
                }
            }
        }

        private int closing(int open) {
            int depth = 0;
            for (int j = open; j < tokens.size(); j++) {
                Token t = tokens.get(j);
                if (t.is("(") || t.is("[") || t.is("{")) {
                    depth++;
                } else if ((t.is(")") || t.is("]") || t.is("}")) && --depth == 0) {
                    return j;
                }
            }
            return tokens.size();
        }

        /** A function that calls itself, directly or through other functions, can run for ever. */
        private void recursion() {
            Map<String, List<Integer>> calls = new LinkedHashMap<>();
            Set<String> names = new LinkedHashSet<>();
            pkg.getFunctions().forEach(f -> names.add(f.getName()));
            for (FunctionDescr f : pkg.getFunctions()) {
                List<Integer> found = calls.computeIfAbsent(f.getName(), n -> new ArrayList<>());
                boolean inBody = false;
                for (int i = 0; i < tokens.size(); i++) {
                    Token t = tokens.get(i);
                    if (t.start < f.getStartCharacter() || t.start > f.getEndCharacter()) {
                        continue;
                    }
                    // The header (function int name(String s)) declares the name; calls are in the body.
                    inBody |= t.is("{");
                    if (inBody && t.kind == Kind.IDENT && names.contains(t.text) && !isMember(i) && next(i, 1).is("(")) {
                        found.add(i);
                    }
                }
            }
            Map<String, Set<String>> graph = new HashMap<>();
            calls.forEach((name, at) -> graph.put(name, new LinkedHashSet<>(at.stream().map(k -> tokens.get(k).text).toList())));
            for (Map.Entry<String, List<Integer>> entry : calls.entrySet()) {
                String self = entry.getKey();
                for (int at : entry.getValue()) {
                    List<String> path = pathTo(graph, tokens.get(at).text, self, new HashSet<>());
                    if (path != null) {
                        error(tokens.get(at).start, null, "function " + self + ": a function may not call itself ("
                                + self + " -> " + String.join(" -> ", path) + "): rules must finish at once");
                        break;
                    }
                }
            }
        }

        private static List<String> pathTo(Map<String, Set<String>> graph, String from, String target, Set<String> seen) {
            if (from.equals(target)) {
                return new ArrayList<>(List.of(from));
            }
            if (!seen.add(from)) {
                return null;
            }
            for (String next : graph.getOrDefault(from, Set.of())) {
                List<String> rest = pathTo(graph, next, target, seen);
                if (rest != null) {
                    rest.add(0, from);
                    return rest;
                }
            }
            return null;
        }

        private boolean isMember(int i) {
            Token before = next(i, -1);
            return before.is(".") || before.is("::") || (before.is("?") && next(i, -2).is("."));
        }

        private Token next(int i, int offset) {
            int k = i + offset;
            return k >= 0 && k < tokens.size() ? tokens.get(k) : Token.NONE;
        }

        private Part addPart(BaseDescr descr, String label, boolean skip) {
            int start = descr.getStartCharacter();
            int end = descr.getEndCharacter();
            if (start < 0 || end < start) {
                if (descr.getLine() < 1 || descr.getLine() > lineStarts.length) {
                    return null;
                }
                // No character range: take the whole line the parser gives.
                start = lineStarts[descr.getLine() - 1];
                end = descr.getLine() < lineStarts.length ? lineStarts[descr.getLine()] - 1 : text.length();
            }
            if (skip) {
                // Imports and globals are checked whole; never skip past their line, whatever range the parser gives.
                int index = Arrays.binarySearch(lineStarts, start);
                int line = index >= 0 ? index : -index - 2;
                end = Math.min(end, line + 1 < lineStarts.length ? lineStarts[line + 1] - 1 : text.length());
            }
            Part part = new Part(label, start, end, skip);
            parts.put(start, part);
            return part;
        }

        private Part partAt(int offset) {
            Map.Entry<Integer, Part> entry = parts.floorEntry(offset);
            return entry != null && offset <= entry.getValue().end ? entry.getValue() : null;
        }

        private void error(int offset, BaseDescr fallback, String message) {
            int line;
            int column;
            if (offset >= 0) {
                int index = Arrays.binarySearch(lineStarts, offset);
                int lineIndex = index >= 0 ? index : -index - 2;
                line = lineIndex + 1;
                column = offset - lineStarts[lineIndex] + 1;
            } else {
                line = fallback == null ? 0 : Math.max(fallback.getLine(), 0);
                column = fallback == null ? 0 : Math.max(fallback.getColumn() + 1, 0);
            }
            SourceError error = new SourceError(file, line, column, message);
            errors.putIfAbsent(line + ":" + column + ":" + message, error);
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

    private static String memberProblem(String name) {
        if (REFLECTION_MEMBERS.contains(name)) {
            return "rules may not look at or load Java classes (" + HINT + ")";
        }
        if (SYSTEM_MEMBERS.contains(name)) {
            return "it reaches the computer nbo runs on, not the rule's facts (" + HINT + ")";
        }
        if (WAIT_MEMBERS.contains(name)) {
            return "a rule must never wait for another one";
        }
        if (SESSION_MEMBERS.contains(name)) {
            return "rules may not reach into the rule engine; they write to the Result only (" + HINT + ")";
        }
        return null;
    }

    static boolean importAllowed(String target) {
        if (target.endsWith(".*")) {
            String prefix = target.substring(0, target.length() - 2);
            if (PACKAGES_ALLOWED.contains(prefix) || isOwnPackage(prefix)) {
                return true;
            }
            // import static / function of every member of a class: allowed when the class is.
            return classAllowed(prefix);
        }
        return classAllowed(target);
    }

    /** A dotted name from an import: the class is its first capitalised segment. */
    private static boolean classAllowed(String dotted) {
        List<String> segments = List.of(dotted.split("\\."));
        for (int k = 0; k < segments.size(); k++) {
            String s = segments.get(k);
            if (!s.isEmpty() && Character.isUpperCase(s.charAt(0))) {
                return k > 0 && classAllowed(String.join(".", segments.subList(0, k)), s);
            }
        }
        return false;
    }

    static boolean classAllowed(String packageName, String className) {
        return PACKAGES_ALLOWED.contains(packageName)
                || isOwnPackage(packageName)
                || (packageName.equals("java.util") && JAVA_UTIL_ALLOWED.contains(className))
                || (packageName.equals("java.lang") && JAVA_LANG_ALLOWED.contains(className));
    }

    private static boolean isOwnPackage(String packageName) {
        return packageName.equals("rules") || packageName.startsWith("rules.");
    }

    /** A simple class name rules may not use: any java.lang class outside the allow-list, or a known dangerous one. */
    static boolean isRefusedClass(String name) {
        if (JAVA_LANG_ALLOWED.contains(name)) {
            return false;
        }
        return CLASSES_REFUSED.contains(name) || JAVA_LANG_CLASSES.computeIfAbsent(name, DrlSandbox::inJavaLang);
    }

    private static boolean inJavaLang(String name) {
        try {
            // Not initialised, from the boot loader: only asks whether java.lang has a class of that name.
            Class.forName("java.lang." + name, false, null);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static boolean isMvel(String value) {
        return value != null && value.replace("\"", "").replace("'", "").strip().toLowerCase(Locale.ROOT).equals("mvel");
    }

    private static boolean isHex(String s) {
        return s.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    private enum Kind { IDENT, NUMBER, STRING, OP, NONE }

    /** A token of DRL or Java code; identifiers are kept without the characters Java ignores in them. */
    private record Token(Kind kind, String text, int start) {

        static final Token NONE = new Token(Kind.NONE, "", -1);

        boolean is(String s) {
            return kind != Kind.STRING && text.equals(s);
        }
    }

    /** A part of the file the parser found: a rule, query, function or declaration (labelled), or an import or global (skipped). */
    private record Part(String label, int start, int end, boolean skip) {
    }

    /** Splits DRL and Java code into tokens the way Java does, leaving out comments and the content of literals. */
    private static final class Lexer {

        static List<Token> tokenize(String s) {
            List<Token> out = new ArrayList<>();
            int n = s.length();
            int i = 0;
            while (i < n) {
                char c = s.charAt(i);
                if (Character.isWhitespace(c) || c == '\uFEFF') {
                    i++;
                } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                    while (i < n && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
                        i++;
                    }
                } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                    int close = s.indexOf("*/", i + 2);
                    i = close < 0 ? n : close + 2;
                } else if (c == '"' && s.startsWith("\"\"\"", i) && opensTextBlock(s, i + 3)) {
                    out.add(new Token(Kind.STRING, "\"\"\"", i));
                    i = endOfTextBlock(s, i + 3);
                } else if (c == '"' || c == '\'') {
                    out.add(new Token(Kind.STRING, String.valueOf(c), i));
                    i = endOfQuoted(s, i, c);
                } else if (Character.isJavaIdentifierStart(s.codePointAt(i))) {
                    int j = i;
                    StringBuilder name = new StringBuilder();
                    while (j < n && Character.isJavaIdentifierPart(s.codePointAt(j))) {
                        int cp = s.codePointAt(j);
                        // Java ignores these inside identifiers: "Sys" + a zero-width space + "tem" is System.
                        if (!Character.isIdentifierIgnorable(cp)) {
                            name.appendCodePoint(cp);
                        }
                        j += Character.charCount(cp);
                    }
                    if (!name.isEmpty()) {
                        out.add(new Token(Kind.IDENT, name.toString(), i));
                    }
                    i = j;
                } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(s.charAt(i + 1)))) {
                    int j = i + 1;
                    while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_'
                            || (s.charAt(j) == '.' && j + 1 < n && Character.isDigit(s.charAt(j + 1))))) {
                        j++;
                    }
                    out.add(new Token(Kind.NUMBER, s.substring(i, j), i));
                    i = j;
                } else if (c == ':' && i + 1 < n && s.charAt(i + 1) == ':') {
                    out.add(new Token(Kind.OP, "::", i));
                    i += 2;
                } else {
                    out.add(new Token(Kind.OP, String.valueOf(c), i));
                    i++;
                }
            }
            return out;
        }

        /** A string or character literal; one left open ends at the end of its line, so what follows is still read as code. */
        private static int endOfQuoted(String s, int open, char quote) {
            int j = open + 1;
            while (j < s.length()) {
                char c = s.charAt(j);
                if (c == '\\') {
                    j += 2;
                } else if (c == quote) {
                    return j + 1;
                } else if (c == '\n' || c == '\r') {
                    return j;
                } else {
                    j++;
                }
            }
            return s.length();
        }

        private static boolean opensTextBlock(String s, int from) {
            int j = from;
            while (j < s.length() && (s.charAt(j) == ' ' || s.charAt(j) == '\t' || s.charAt(j) == '\f')) {
                j++;
            }
            return j < s.length() && (s.charAt(j) == '\n' || s.charAt(j) == '\r');
        }

        private static int endOfTextBlock(String s, int from) {
            int j = from;
            while (j < s.length()) {
                if (s.charAt(j) == '\\') {
                    j += 2;
                } else if (s.startsWith("\"\"\"", j)) {
                    return j + 3;
                } else {
                    j++;
                }
            }
            return s.length();
        }
    }
}
