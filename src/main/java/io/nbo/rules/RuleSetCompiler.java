package io.nbo.rules;

import io.nbo.learning.InvalidModelsException;
import io.nbo.learning.ModelSpec;
import io.nbo.learning.ModelSpecLoader;
import io.nbo.model.SourceError;
import io.nbo.offers.InvalidCatalogException;
import io.nbo.offers.OfferCatalog;
import io.nbo.offers.OfferCatalogLoader;
import io.nbo.policy.ContactPolicies;
import io.nbo.policy.InvalidPoliciesException;
import io.nbo.policy.PolicyLoader;
import io.nbo.rules.sandbox.BytecodeVerifier;
import io.nbo.rules.sandbox.ComparisonRewrite;
import io.nbo.rules.sandbox.DrlSandbox;
import io.nbo.rules.sandbox.ParsedDrl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.drools.compiler.compiler.io.memory.MemoryFileSystem;
import org.drools.compiler.kie.builder.impl.InternalKieModule;
import org.drools.compiler.kie.builder.impl.KieBuilderImpl;
import org.drools.drl.ast.descr.RuleDescr;
import org.drools.model.codegen.ExecutableModelProject;
import org.drools.util.PortablePath;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;

/**
 * Compiles a rules folder (every {@code *.drl} file beside {@code offers.yaml}) into a {@link RuleSet}
 * with the KIE API at runtime, so rules change without a rebuild. Marketers' DRL is untrusted code:
 * it is checked against the marketer language on the parsed rules ({@link DrlSandbox}), compiled with
 * Drools' executable model, and every generated class is verified ({@link BytecodeVerifier}) before any
 * of it is loaded. A folder with any error is refused whole, with every error's file, line and column.
 */
public final class RuleSetCompiler {

    private static final String KIE_ROOT = "src/main/resources/rules/";
    private static final AtomicLong BUILDS = new AtomicLong();
    /**
     * The parent of every rule set's class loader. Drools asks its parent for each generated class
     * (rules/Rule_...); the JDK's loaders remember every miss for the life of the JVM, which grew the
     * heap on every reload. Nothing under rules/ is ever on the class path, so answer those here.
     */
    private static final ClassLoader RULES_PARENT = new ClassLoader(RuleSetCompiler.class.getClassLoader()) {
        @Override
        public java.net.URL getResource(String name) {
            return name.startsWith("rules/") ? null : super.getResource(name);
        }

        @Override
        public java.util.Enumeration<java.net.URL> getResources(String name) throws IOException {
            return name.startsWith("rules/") ? java.util.Collections.emptyEnumeration() : super.getResources(name);
        }
    };
    private static final Pattern PARSER_POSITION = Pattern.compile("Line (\\d+):(\\d+)");

    private final OfferCatalogLoader catalogLoader;
    private final Clock clock;
    private final Sandbox sandbox;

    /** Which layers of the DRL sandbox a compiler applies; {@link #FULL} everywhere but in tests of one layer. */
    public enum Sandbox {
        /** The marketer language on the syntax tree ({@link DrlSandbox}), then on the compiled classes ({@link BytecodeVerifier}). */
        FULL,
        /** The compiled classes only: shows that layer holds on its own, should the syntax check miss something. */
        COMPILED_CODE_ONLY,
        /** Neither: only to test the limits that back the sandbox up at decision time (firing limit, budget, session integrity). */
        OFF
    }

    public RuleSetCompiler(OfferCatalogLoader catalogLoader, Clock clock) {
        this(catalogLoader, clock, Sandbox.FULL);
    }

    /**
     * @param sandboxed false only to test the runtime limits (firing limit, time budget, session integrity) that back
     *                  the sandbox up: such a compiler accepts DRL that uses any Java API
     */
    public RuleSetCompiler(OfferCatalogLoader catalogLoader, Clock clock, boolean sandboxed) {
        this(catalogLoader, clock, sandboxed ? Sandbox.FULL : Sandbox.OFF);
    }

    public RuleSetCompiler(OfferCatalogLoader catalogLoader, Clock clock, Sandbox sandbox) {
        this.catalogLoader = catalogLoader;
        this.clock = clock;
        this.sandbox = sandbox;
    }

    /** Reads the DRL files and the catalog of a folder, by file name (sorted). */
    public static Map<String, String> readFolder(Path dir) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.sorted().toList()) {
                String name = p.getFileName().toString();
                if (Files.isRegularFile(p) && (name.endsWith(".drl") || name.equals(OfferCatalogLoader.FILE_NAME) || name.equals(PolicyLoader.FILE_NAME)
                        || name.equals(ModelSpecLoader.FILE_NAME))) {
                    files.put(name, Files.readString(p, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read rules folder " + dir.toAbsolutePath(), e);
        }
        return files;
    }

    /** A folder's files as a publish takes them: {@link #readFolder} and its scenarios ({@link #readTests}). */
    public static Map<String, String> readFolderAndTests(Path dir) {
        Map<String, String> files = new TreeMap<>(readFolder(dir));
        files.putAll(readTests(dir));
        return files;
    }

    /** The prefix of scenario files in a rule set's file map ({@code tests/x.yaml}). */
    public static final String TESTS = "tests/";

    /** Reads the scenario files of a folder ({@code tests/*.yaml}), named {@code tests/<name>}. */
    public static Map<String, String> readTests(Path dir) {
        Map<String, String> files = new TreeMap<>();
        Path tests = dir.resolve("tests");
        if (!Files.isDirectory(tests)) {
            return files;
        }
        try (Stream<Path> entries = Files.list(tests)) {
            for (Path p : entries.sorted().toList()) {
                String name = p.getFileName().toString();
                if (Files.isRegularFile(p) && (name.endsWith(".yaml") || name.endsWith(".yml"))) {
                    files.put(TESTS + name, Files.readString(p, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tests.toAbsolutePath(), e);
        }
        return files;
    }

    /** Whether a file of a rule set decides anything (DRL or the catalog), as opposed to a scenario. */
    public static boolean isRuleFile(String name) {
        return !name.startsWith(TESTS) && (name.endsWith(".drl") || name.equals(OfferCatalogLoader.FILE_NAME)
                || name.equals(PolicyLoader.FILE_NAME) || name.equals(ModelSpecLoader.FILE_NAME));
    }

    /**
     * A content hash of the DRL files and the catalog (scenario files do not count): the same rules
     * give the same version on every replica.
     */
    public static String versionOf(Map<String, String> files) {
        Map<String, String> rules = new TreeMap<>();
        files.forEach((name, text) -> {
            if (isRuleFile(name)) {
                rules.put(name, text);
            }
        });
        return contentHash(rules);
    }

    /** A hash of every file given, names included (12 hex characters). */
    public static String contentHash(Map<String, String> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            new TreeMap<>(files).forEach((name, text) -> {
                sha.update(name.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(text.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            });
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The parent class loader of every rule set's classes, which answers "not found" for the rules' own package. */
    public static ClassLoader rulesParentClassLoader() {
        return RULES_PARENT;
    }

    public RuleSet compile(Path dir) throws InvalidRuleSetException {
        return compile(readFolder(dir));
    }

    /**
     * Compiles rule-set files given by name ({@code *.drl} and {@code offers.yaml}).
     *
     * @throws InvalidRuleSetException with every error in the DRL and the catalog
     */
    public RuleSet compile(Map<String, String> files) throws InvalidRuleSetException {
        List<SourceError> errors = new ArrayList<>();
        OfferCatalog catalog = null;
        String catalogText = files.get(OfferCatalogLoader.FILE_NAME);
        if (catalogText == null) {
            errors.add(new SourceError(OfferCatalogLoader.FILE_NAME, 0, 0, "the rule set has no offer catalog (" + OfferCatalogLoader.FILE_NAME + ")"));
        } else {
            try {
                catalog = catalogLoader.parse(OfferCatalogLoader.FILE_NAME, catalogText);
            } catch (InvalidCatalogException e) {
                errors.addAll(e.errors());
            }
        }
        ContactPolicies policies = ContactPolicies.NONE;
        String policiesText = files.get(PolicyLoader.FILE_NAME);
        if (policiesText != null && catalog != null) {
            try {
                policies = PolicyLoader.parse(PolicyLoader.FILE_NAME, policiesText, catalog.all());
            } catch (InvalidPoliciesException e) {
                errors.addAll(e.errors());
            }
        }
        ModelSpec models = ModelSpec.NONE;
        String modelsText = files.get(ModelSpecLoader.FILE_NAME);
        if (modelsText != null) {
            try {
                models = ModelSpecLoader.parse(ModelSpecLoader.FILE_NAME, modelsText);
            } catch (InvalidModelsException e) {
                errors.addAll(e.errors());
            }
        }
        List<String> drlFiles = files.keySet().stream().filter(n -> isRuleFile(n) && n.endsWith(".drl")).sorted().toList();
        if (drlFiles.isEmpty()) {
            errors.add(new SourceError("(rules folder)", 0, 0, "the rule set has no .drl file"));
        }
        List<SourceError> refused = new ArrayList<>();
        List<SourceError> unanchored = new ArrayList<>();
        Map<String, String> compiled = new TreeMap<>();
        // Where each rule is written, to place what the compiled-code check finds.
        Map<String, SourceError> rules = new java.util.HashMap<>();
        for (String name : drlFiles) {
            ParsedDrl parsed = ParsedDrl.parse(name, files.get(name));
            // Marketers' DRL may only use the documented allow-list of Java APIs; a refused file is not even built.
            if (sandbox == Sandbox.FULL) {
                refused.addAll(DrlSandbox.check(parsed));
            }
            if (parsed.pkg() != null) {
                for (RuleDescr rule : parsed.pkg().getRules()) {
                    rules.putIfAbsent(rule.getName(), new SourceError(name, rule.getLine(), Math.max(rule.getColumn(), 0) + 1, rule.getName()));
                }
            }
            DecisionAnchor.Anchored anchored = DecisionAnchor.anchor(parsed);
            compiled.put(name, anchored.text());
            unanchored.addAll(anchored.errors());
        }
        errors.addAll(refused);
        errors.addAll(unanchored);
        KieBase kieBase = drlFiles.isEmpty() || !refused.isEmpty() ? null : buildKieBase(files, compiled, rules, errors, sandbox != Sandbox.OFF);
        if (!errors.isEmpty()) {
            throw new InvalidRuleSetException(errors);
        }
        return new RuleSet(versionOf(files), kieBase, catalog, policies, models, files.keySet().stream().filter(RuleSetCompiler::isRuleFile).toList(),
                clock.instant());
    }

    /**
     * @param files    the rule set as written, for error positions
     * @param compiled the DRL files as compiled (anchored per decision: same lines and columns)
     * @param rules    where each rule is written, by name (for what the compiled-code check finds)
     * @param verify   whether to verify the generated classes ({@link BytecodeVerifier})
     */
    private static KieBase buildKieBase(Map<String, String> files, Map<String, String> compiled, Map<String, SourceError> rules,
                                        List<SourceError> errors, boolean verify) {
        KieServices ks = KieServices.get();
        KieFileSystem kfs = ks.newKieFileSystem();
        // A fresh release id per build, removed from the shared repository once built, so that
        // repeated reloads do not keep every old version alive.
        ReleaseId releaseId = ks.newReleaseId("io.nbo.rules", "ruleset", "1.0." + BUILDS.incrementAndGet());
        kfs.generateAndWritePomXML(releaseId);
        compiled.forEach((name, text) -> kfs.write(KIE_ROOT + name, text));
        // The executable model: conditions and actions become compiled Java (no MVEL at run time), so every
        // class generated for the rule set can be verified before any of it is loaded.
        KieBuilder builder = ks.newKieBuilder(kfs, RULES_PARENT).buildAll(ExecutableModelProject.class);
        List<Message> messages = builder.getResults().getMessages(Message.Level.ERROR);
        if (!messages.isEmpty()) {
            for (Message m : messages) {
                // Drools adds this after any syntax error in a file; the syntax error is what matters.
                if (messages.size() > 1 && m.getText().contains("Parser returned a null Package")) {
                    continue;
                }
                String file = m.getPath() == null ? "(rules)" : Path.of(m.getPath()).getFileName().toString();
                int line = Math.max(m.getLine(), 0);
                int column = Math.max(m.getColumn(), 0);
                // Parser errors leave the column field empty but say "Line 13:4" (0-based) in the text.
                Matcher where = PARSER_POSITION.matcher(m.getText());
                if (column == 0 && where.find()) {
                    line = line > 0 ? line : Integer.parseInt(where.group(1));
                    column = Integer.parseInt(where.group(2)) + 1;
                } else if (column == 0 && files.containsKey(file)) {
                    ErrorPosition.At at = ErrorPosition.locate(files.get(file), line, m.getText());
                    line = at.line();
                    column = at.column();
                }
                errors.add(new SourceError(file, line, column, m.getText().strip()));
            }
            ks.getRepository().removeKieModule(releaseId);
            return null;
        }
        try {
            // Nothing generated has been loaded yet: it is adjusted and verified here, and loaded only if it passes.
            if (!checkGeneratedClasses((KieBuilderImpl) builder, rules, errors, verify)) {
                return null;
            }
            KieBase kieBase = ks.newKieContainer(releaseId, RULES_PARENT).getKieBase();
            // The module keeps the build's compiler state (generated sources as syntax trees, descriptors) for
            // incremental builds, which nbo never does: three quarters of the heap a rule set would keep.
            InternalKieModule module = (InternalKieModule) builder.getKieModule();
            module.getKieModuleModel().getKieBaseModels().keySet().forEach(name -> module.cacheKnowledgeBuilderForKieBase(name, null));
            return kieBase;
        } finally {
            ks.getRepository().removeKieModule(releaseId);
        }
    }

    /**
     * Points number comparisons at {@link io.nbo.rules.sandbox.JavaComparisons} in every generated class, then verifies them all
     * against the marketer language ({@link BytecodeVerifier}).
     *
     * @return whether every class passed; otherwise the refused uses are added to {@code errors}
     */
    private static boolean checkGeneratedClasses(KieBuilderImpl builder, Map<String, SourceError> rules, List<SourceError> errors,
                                                 boolean verify) {
        MemoryFileSystem mfs = builder.getTrgMfs();
        Map<String, byte[]> classes = new TreeMap<>();
        for (PortablePath path : List.copyOf(mfs.getFilePaths())) {
            String name = path.asString();
            if (name.endsWith(".class")) {
                byte[] bytes = ComparisonRewrite.rewrite(mfs.getBytes(path));
                mfs.write(path, bytes);
                classes.put(name.substring(0, name.length() - ".class".length()), bytes);
            }
        }
        if (!verify) {
            return true;
        }
        List<BytecodeVerifier.Violation> violations = BytecodeVerifier.verify(classes);
        for (BytecodeVerifier.Violation v : violations) {
            SourceError at = v.rule() == null ? null : rules.get(v.rule());
            String message = (v.rule() == null ? "generated class " + v.className() : "rule \"" + v.rule() + "\"")
                    + ": the compiled rule " + v.what() + " (" + DrlSandbox.HINT + ")";
            errors.add(at == null ? new SourceError("(rules)", 0, 0, message) : new SourceError(at.file(), at.line(), at.column(), message));
        }
        return violations.isEmpty();
    }
}
