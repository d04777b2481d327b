package io.nbo.rules.sandbox;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The compiled-code layer of the DRL sandbox: reads every class Drools' executable model generated for a rule
 * set, before any of them is loaded, and refuses every instruction that reaches beyond the marketer language
 * ({@link RuleLanguage}), the classes of the rule set itself, and the few engine calls the generated
 * scaffolding makes (listed here, member by member). Whatever is not listed is refused.
 */
public final class BytecodeVerifier {

    /**
     * One refused use: the generated class and method, the rule it belongs to when known (else null), and what
     * was refused, in words a marketer can read. The method is null when the class itself is refused (what it
     * extends, a field it declares).
     */
    public record Violation(String className, String method, String rule, String what) {
    }

    /** Where the classes of one rule set live; the DRL package is the marketer's to choose, under {@code rules}. */
    private static final String RULES_PACKAGE = "rules/";
    /** The one class Drools generates from nbo's kmodule, not from marketer input. */
    private static final String PROJECT_MODEL_PACKAGE = "org/drools/project/model/";
    private static final String PROJECT_MODEL_PREFIX = PROJECT_MODEL_PACKAGE + "ProjectModel_";

    private static final String D = "org/drools/modelcompiler/dsl/pattern/D";

    /** Calls the generated scaffolding makes: building the rule model, comparing values, boxing, enum plumbing. */
    private static final Set<String> SCAFFOLDING_CALLS = union(members(
            D, "rule pattern on declarationOf alphaIndexedBy betaIndexedBy reactOn expr eval not exists or and from execute",
            "org/drools/model/PatternDSL$PatternDef", "expr bind watch passive",
            "org/drools/model/impl/RuleBuilder", "build attribute",
            "org/drools/model/DomainClassMetadata", "getPropertyIndex",
            "org/drools/model/functions/PredicateInformation", "<init> addRuleNames setMoreThanMaxRuleDefs",
            // Null-safe comparisons: numbers, and text (Comparable.compareTo) for "<" and ">" on strings.
            "org/drools/modelcompiler/util/EvaluationUtil", "areNullSafeEquals areNumbersNullSafeEquals"
                    + " greaterThan greaterOrEqual lessThan lessOrEqual",
            // Number comparisons, pointed here by ComparisonRewrite so that NaN fails them as in Java.
            ComparisonRewrite.TO, "greaterThanNumbers greaterOrEqualNumbers lessThanNumbers lessOrEqualNumbers",
            "java/lang/Double", "valueOf doubleValue",
            "java/lang/Integer", "valueOf intValue",
            "java/lang/Long", "valueOf longValue",
            "java/lang/Boolean", "valueOf booleanValue",
            // String switches (getPropertyIndex) hash the string first.
            "java/lang/String", "hashCode",
            // ECJ's enum plumbing: values() copies the constants, valueOf() looks one up.
            "java/lang/Enum", "<init> valueOf",
            "java/lang/System", "arraycopy",
            "java/lang/Object", "<init>",
            "java/util/Arrays", "asList",
            "java/util/Collections", "emptyList",
            "java/lang/RuntimeException", "<init>",
            "java/lang/IllegalArgumentException", "<init>"),
            // The consequence builders by number of variables: only execute(block), never executeScript (it runs MVEL).
            numbered("org/drools/model/consequences/ConsequenceBuilder$_", 0, 30, ".execute"));

    /** Static fields the scaffolding reads: enum-like constants of the rule model, and int.class and friends. */
    private static final Set<String> SCAFFOLDING_FIELDS = members(
            "org/drools/model/Index$ConstraintType", "EQUAL NOT_EQUAL GREATER_THAN GREATER_OR_EQUAL LESS_THAN LESS_OR_EQUAL"
                    + " RANGE FORALL_SELF_JOIN UNKNOWN",
            "org/drools/model/operators/ContainsOperator", "INSTANCE",
            "org/drools/model/operators/InOperator", "INSTANCE",
            "org/drools/model/operators/MemberOfOperator", "INSTANCE",
            "org/drools/model/Rule$Attribute", "SALIENCE NO_LOOP LOCK_ON_ACTIVE ENABLED ACTIVATION_GROUP",
            "java/lang/Double", "TYPE",
            "java/lang/Integer", "TYPE",
            "java/lang/Long", "TYPE",
            "java/lang/Boolean", "TYPE");

    /** Types the scaffolding creates with {@code new}, besides the rule set's own classes. */
    private static final Set<String> SCAFFOLDING_NEW = Set.of("org/drools/model/functions/PredicateInformation",
            "java/lang/RuntimeException", "java/lang/IllegalArgumentException");

    /** The date formatter every {@code Rules<hash>} class sets up once, in its static initialiser only. */
    private static final Set<String> INITIALISER_CALLS = members(
            "java/time/format/DateTimeFormatterBuilder", "<init> parseCaseInsensitive appendPattern toFormatter",
            "org/drools/util/DateUtils", "getDateFormatMask");
    private static final Set<String> INITIALISER_FIELDS = members("java/util/Locale", "ENGLISH");
    private static final Set<String> INITIALISER_NEW = Set.of("java/time/format/DateTimeFormatterBuilder");

    /**
     * A large rule set's rules are split over several classes ({@code RulesSupplier}); the model's constructor gathers
     * their lists into a new one, and only a constructor may: one by one up to 2,999 rules, past that through
     * {@code RulesSupplier.getRules(RulesSupplier...)} (which calls each class's verified {@code getRulesList}).
     */
    private static final String RULES_LIST_METHOD = "<init>()V";
    private static final Set<String> RULES_LIST_CALLS = members("java/util/ArrayList", "<init>", "java/util/List", "addAll",
            "org/drools/model/RulesSupplier", "getRules");
    private static final Set<String> RULES_LIST_NEW = Set.of("java/util/ArrayList");
    private static final String RULES_LIST_ARRAY = "org/drools/model/RulesSupplier";

    /** What the project model class (from nbo's kmodule) needs to describe the knowledge base; no rule class gets these. */
    private static final Set<String> PROJECT_MODEL_CALLS = members(
            "org/kie/api/KieServices", "get newKieModuleModel",
            "org/kie/api/builder/model/KieModuleModel", "newKieBaseModel",
            "org/kie/api/builder/model/KieBaseModel",
            "addPackage newKieSessionModel setDefault setEventProcessingMode setMutability",
            "org/kie/api/builder/model/KieSessionModel", "setClockType setDefault setType",
            "org/kie/api/runtime/conf/ClockTypeOption", "get",
            "org/kie/util/maven/support/ReleaseIdImpl", "<init>");
    private static final Set<String> PROJECT_MODEL_FIELDS = members(
            "org/kie/api/builder/model/KieSessionModel$KieSessionType", "STATEFUL STATELESS",
            "org/kie/api/conf/EventProcessingOption", "CLOUD STREAM",
            "org/kie/api/conf/KieBaseMutabilityOption", "ALLOWED DISABLED");
    private static final Set<String> PROJECT_MODEL_NEW = Set.of("org/kie/util/maven/support/ReleaseIdImpl");
    private static final Set<String> PROJECT_MODEL_INTERFACES = Set.of("org/drools/modelcompiler/CanonicalKieModuleModel");

    /** What generated classes implement: the rule model's lambda interfaces, the domain metadata and the model itself. */
    private static final Set<String> INTERFACES = union(Set.of("org/drools/model/functions/HashedExpression",
            "org/drools/model/DomainClassMetadata", "org/drools/model/Model", "org/drools/model/RulesSupplier"),
            numbered("org/drools/model/functions/Block", 0, 31, ""),
            numbered("org/drools/model/functions/Function", 0, 11, ""),
            numbered("org/drools/model/functions/Predicate", 1, 18, ""));

    private static final Set<String> SUPERCLASSES = Set.of("java/lang/Object", "java/lang/Enum");

    /** Types a cast, an instanceof or a new array may name, besides the rule set's classes and the fact model. */
    private static final Set<String> TYPES = Set.of("java/lang/Object", "java/lang/String", "java/lang/Number",
            "java/lang/Double", "java/lang/Integer", "java/lang/Long", "java/lang/Boolean", "java/lang/Comparable",
            "java/lang/CharSequence", "java/util/List", "java/util/Collection", "org/drools/model/Rule",
            "org/drools/model/RuleItemBuilder", "org/drools/model/view/ViewItemBuilder", "org/drools/model/Model");

    /** Classes a rule may name as a constant ({@code Foo.class}), besides the rule set's classes and the fact model. */
    private static final Set<String> CLASS_CONSTANTS = Set.of("java/lang/String", "java/lang/Double", "java/lang/Integer",
            "java/lang/Long", "java/lang/Boolean", "java/lang/Short", "java/lang/Byte", "java/lang/Float",
            "java/lang/Character");

    /**
     * Types a static field may hold: nothing a decision could write into and a later one read back. Arrays only as an
     * enum's own constants, which only its initialiser and values() (which copies them) may read.
     */
    private static final Set<String> STATIC_FIELD_TYPES = Set.of("Ljava/lang/String;", "Lorg/drools/model/DomainClassMetadata;",
            "Ljava/time/format/DateTimeFormatter;");
    /**
     * Types an instance field may hold. The model class keeps its rules in lists, which no rule can change: no list
     * method that writes is allowed.
     */
    private static final Set<String> INSTANCE_FIELD_TYPES = Set.of("Ljava/lang/String;", "Ljava/util/List;");

    private static final String LAMBDA_METAFACTORY = "java/lang/invoke/LambdaMetafactory";
    private static final String STRING_CONCAT_FACTORY = "java/lang/invoke/StringConcatFactory";

    private BytecodeVerifier() {
    }

    /** @param classes every class generated for one rule set: internal name (e.g. "rules/P12/LambdaConsequenceAB") to bytes */
    public static List<Violation> verify(Map<String, byte[]> classes) {
        Map<String, ClassShape> shapes = new LinkedHashMap<>();
        List<Violation> unreadable = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            try {
                ClassShape shape = new ClassShape();
                new ClassReader(e.getValue()).accept(shape, ClassReader.SKIP_CODE);
                if (!shape.name.equals(e.getKey())) {
                    unreadable.add(new Violation(e.getKey(), null, null, "is not the class its name says ("
                            + dotted(shape.name) + ")"));
                } else {
                    shapes.put(shape.name, shape);
                }
            } catch (RuntimeException ex) {
                unreadable.add(new Violation(e.getKey(), null, null, "is not a class file nbo can read"));
            }
        }
        Check check = new Check(shapes);
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            if (shapes.containsKey(e.getKey())) {
                try {
                    new ClassReader(e.getValue()).accept(check.new ClassCheck(shapes.get(e.getKey())), 0);
                } catch (RuntimeException ex) {
                    unreadable.add(new Violation(e.getKey(), null, null, "is not a class file nbo can read"));
                }
            }
        }
        check.findRecursion();
        List<Violation> violations = new ArrayList<>(unreadable);
        violations.addAll(check.violations());
        return violations;
    }

    /** The members of a class that other classes of the set can reach, read before any code is checked. */
    private static final class ClassShape extends ClassVisitor {
        String name;
        String superName;
        final Set<String> fields = new HashSet<>();
        final Set<String> methods = new HashSet<>();

        ClassShape() {
            super(Opcodes.ASM9);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            this.name = name;
            this.superName = superName;
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            fields.add(name + ":" + descriptor);
            return null;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            methods.add(name + descriptor);
            return null;
        }
    }

    /** A refused use, before it is named after its rule. */
    private record Found(String className, String method, String what) {
    }

    private static final class Check {
        private final Map<String, ClassShape> shapes;
        private final Set<Found> found = new LinkedHashSet<>();
        /** The rule each rule-building method builds: class + "." + method name + descriptor. */
        private final Map<String, String> ruleOfMethod = new HashMap<>();
        /** The rules whose building method uses a lambda class's INSTANCE. */
        private final Map<String, Set<String>> rulesOfClass = new HashMap<>();
        /** Calls between the rule set's own methods, to find recursion. */
        private final Map<String, Set<String>> calls = new LinkedHashMap<>();

        Check(Map<String, ClassShape> shapes) {
            this.shapes = shapes;
        }

        List<Violation> violations() {
            List<Violation> out = new ArrayList<>();
            for (Found f : found) {
                String rule = f.method() == null ? null : ruleOfMethod.get(f.className() + "." + f.method());
                if (rule != null) {
                    out.add(new Violation(f.className(), name(f.method()), rule, f.what()));
                    continue;
                }
                Set<String> rules = rulesOfClass.getOrDefault(f.className(), Set.of());
                if (rules.isEmpty()) {
                    out.add(new Violation(f.className(), name(f.method()), null, f.what()));
                }
                // A lambda shared by several rules (same expression) is refused in each of them.
                rules.forEach(r -> out.add(new Violation(f.className(), name(f.method()), r, f.what())));
            }
            return out;
        }

        private static String name(String methodAndDescriptor) {
            return methodAndDescriptor == null ? null : methodAndDescriptor.substring(0, methodAndDescriptor.indexOf('('));
        }

        private void refuse(String className, String method, String what) {
            found.add(new Found(className, method, what));
        }

        boolean given(String internalName) {
            return shapes.containsKey(internalName);
        }

        static boolean projectModel(String className) {
            return className.startsWith(PROJECT_MODEL_PREFIX) && className.indexOf('/', PROJECT_MODEL_PACKAGE.length()) < 0;
        }

        /** The rule set's own class that declares this method, following superclasses inside the set; null if none. */
        String declaringGiven(String owner, String nameAndDescriptor, boolean field) {
            for (ClassShape c = shapes.get(owner); c != null; c = shapes.get(c.superName)) {
                if ((field ? c.fields : c.methods).contains(nameAndDescriptor)) {
                    return c.name;
                }
            }
            return null;
        }

        /** The first class outside the set above a class of the set (its inherited members are checked there). */
        String externalAncestor(String owner) {
            ClassShape c = shapes.get(owner);
            while (c != null && shapes.containsKey(c.superName)) {
                c = shapes.get(c.superName);
            }
            return c == null ? owner : c.superName;
        }

        /** Refuses every method on a cycle of calls between the set's own methods (depth-first, without recursion). */
        void findRecursion() {
            Set<String> done = new HashSet<>();
            for (String root : calls.keySet()) {
                if (done.contains(root)) {
                    continue;
                }
                List<String> path = new ArrayList<>();
                Deque<Iterator<String>> next = new ArrayDeque<>();
                path.add(root);
                next.push(calls.get(root).iterator());
                while (!next.isEmpty()) {
                    if (!next.peek().hasNext()) {
                        next.pop();
                        done.add(path.remove(path.size() - 1));
                        continue;
                    }
                    String callee = next.peek().next();
                    int onPath = path.indexOf(callee);
                    if (onPath >= 0) {
                        for (String m : path.subList(onPath, path.size())) {
                            int dot = m.indexOf('.');
                            refuse(m.substring(0, dot), m.substring(dot + 1), "calls itself again (directly or through"
                                    + " other methods), which rules may not do: a rule must finish at once");
                        }
                    } else if (!done.contains(callee) && calls.containsKey(callee)) {
                        path.add(callee);
                        next.push(calls.get(callee).iterator());
                    }
                }
            }
        }

        /** Whether a call (or a method reference) to owner.name is allowed from this place. */
        boolean callAllowed(String owner, String name, String className, String method) {
            if (owner.startsWith("[")) {
                // A copy of an array (javac's enum values()).
                return name.equals("clone");
            }
            String member = owner + "." + name;
            if (SCAFFOLDING_CALLS.contains(member) || languageAllows(owner, name)) {
                return true;
            }
            if (method.startsWith("<clinit>") && INITIALISER_CALLS.contains(member)) {
                return true;
            }
            if (method.equals(RULES_LIST_METHOD) && RULES_LIST_CALLS.contains(member)) {
                return true;
            }
            return projectModel(className) && PROJECT_MODEL_CALLS.contains(member);
        }

        boolean fieldAllowed(String owner, String name, String className, String method) {
            String member = owner + "." + name;
            return SCAFFOLDING_FIELDS.contains(member)
                    || method.startsWith("<clinit>") && INITIALISER_FIELDS.contains(member)
                    || projectModel(className) && PROJECT_MODEL_FIELDS.contains(member);
        }

        boolean newAllowed(String type, String className, String method) {
            return given(type) || SCAFFOLDING_NEW.contains(type)
                    || method.startsWith("<clinit>") && INITIALISER_NEW.contains(type)
                    || method.equals(RULES_LIST_METHOD) && RULES_LIST_NEW.contains(type)
                    || projectModel(className) && PROJECT_MODEL_NEW.contains(type);
        }

        boolean typeAllowed(String type) {
            Type t = Type.getObjectType(type);
            if (t.getSort() == Type.ARRAY) {
                t = t.getElementType();
                if (t.getSort() != Type.OBJECT) {
                    return true;
                }
            }
            String name = t.getInternalName();
            return given(name) || inPackage(name, "io/nbo/model/") || TYPES.contains(name);
        }

        final class ClassCheck extends ClassVisitor {
            private final String className;
            private boolean isEnum;

            ClassCheck(ClassShape shape) {
                super(Opcodes.ASM9);
                this.className = shape.name;
            }

            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                isEnum = (access & Opcodes.ACC_ENUM) != 0;
                boolean projectModel = projectModel(name);
                if (!name.startsWith(RULES_PACKAGE) && !projectModel) {
                    refuse(name, null, "is generated outside the rules package (" + dotted(name) + "): rules must be in package rules");
                }
                if (projectModel && shapes.keySet().stream().filter(Check::projectModel).count() > 1) {
                    refuse(name, null, "is one of several project models: nbo generates only one");
                }
                if (superName == null || !SUPERCLASSES.contains(superName)) {
                    refuse(name, null, "extends " + dotted(String.valueOf(superName)) + ", which rules may not do");
                }
                for (String i : interfaces) {
                    if (!INTERFACES.contains(i) && !(projectModel && PROJECT_MODEL_INTERFACES.contains(i))) {
                        refuse(name, null, "implements " + dotted(i) + ", which rules may not do");
                    }
                }
            }

            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                boolean isStatic = (access & Opcodes.ACC_STATIC) != 0;
                if (isStatic && (access & Opcodes.ACC_FINAL) == 0) {
                    refuse(className, null, "declares a static field " + name
                            + " that is not final: rules may not keep state between decisions");
                }
                Type type = Type.getType(descriptor);
                boolean primitive = type.getSort() != Type.OBJECT && type.getSort() != Type.ARRAY;
                boolean ownType = type.getSort() == Type.OBJECT && given(type.getInternalName());
                // The compiler's own copy of an enum's constants ($VALUES), read only by values(), which copies it.
                boolean enumConstants = isStatic && isEnum && (access & Opcodes.ACC_SYNTHETIC) != 0
                        && descriptor.equals("[L" + className + ";");
                Set<String> types = isStatic ? STATIC_FIELD_TYPES : INSTANCE_FIELD_TYPES;
                if (!(primitive || ownType || enumConstants || types.contains(descriptor))) {
                    refuse(className, null, "has a field " + name + " of type " + type.getClassName() + ", which rules may not have:"
                            + " a field may hold only text, numbers and the rule set's own objects");
                }
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                String method = name + descriptor;
                if ((access & Opcodes.ACC_NATIVE) != 0) {
                    refuse(className, method, "declares a native method, which rules may not do");
                }
                if ((access & Opcodes.ACC_SYNCHRONIZED) != 0) {
                    refuse(className, method, "is synchronized, which rules may not be: it makes decisions wait for each other");
                }
                return new MethodCheck(method);
            }

            final class MethodCheck extends MethodVisitor {
                private final String method;
                private final String node;
                private final Set<Label> placed = new HashSet<>();
                private final Set<String> instances = new TreeSet<>();
                private int instruction;
                private int stringAt = -2;
                private String string;
                private String rule;

                MethodCheck(String method) {
                    super(Opcodes.ASM9);
                    this.method = method;
                    this.node = className + "." + method;
                    calls.computeIfAbsent(node, k -> new LinkedHashSet<>());
                }

                private void refuse(String what) {
                    Check.this.refuse(className, method, what);
                }

                @Override
                public void visitLabel(Label label) {
                    placed.add(label);
                }

                @Override
                public void visitInsn(int opcode) {
                    instruction++;
                    if (opcode == Opcodes.MONITORENTER || opcode == Opcodes.MONITOREXIT) {
                        refuse("uses synchronized, which rules may not: it makes decisions wait for each other");
                    }
                }

                @Override
                public void visitIntInsn(int opcode, int operand) {
                    instruction++;
                }

                @Override
                public void visitVarInsn(int opcode, int varIndex) {
                    instruction++;
                }

                @Override
                public void visitIincInsn(int varIndex, int increment) {
                    instruction++;
                }

                @Override
                public void visitJumpInsn(int opcode, Label label) {
                    instruction++;
                    backwards(label);
                }

                @Override
                public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
                    instruction++;
                    backwards(dflt);
                    Stream.of(labels).forEach(this::backwards);
                }

                @Override
                public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
                    instruction++;
                    backwards(dflt);
                    Stream.of(labels).forEach(this::backwards);
                }

                private void backwards(Label target) {
                    // A jump to an instruction already read is a loop: nothing bounds how often it runs.
                    if (placed.contains(target)) {
                        refuse("repeats in a loop, which rules may not do: a rule must finish at once");
                    }
                }

                @Override
                public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
                    // Catching would let a rule swallow the error that stops a decision running over its budget.
                    refuse("catches " + (type == null ? "every error" : dotted(type))
                            + ", which rules may not do: an error must end the decision");
                }

                @Override
                public void visitTypeInsn(int opcode, String type) {
                    instruction++;
                    if (opcode == Opcodes.NEW) {
                        if (!newAllowed(type, className, method)) {
                            refuse("creates a new " + dotted(type) + ", which rules may not do");
                        }
                    } else if (!typeAllowed(type)
                            && !(opcode == Opcodes.ANEWARRAY && method.equals(RULES_LIST_METHOD) && type.equals(RULES_LIST_ARRAY))) {
                        refuse("uses the type " + dotted(type) + ", which rules may not use");
                    }
                }

                @Override
                public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
                    instruction++;
                    Type element = Type.getType(descriptor).getElementType();
                    if (element.getSort() == Type.OBJECT && !typeAllowed(element.getInternalName())) {
                        refuse("uses the type " + element.getClassName() + ", which rules may not use");
                    }
                }

                @Override
                public void visitLdcInsn(Object value) {
                    instruction++;
                    if (value instanceof String s) {
                        string = s;
                        stringAt = instruction;
                    } else if (value instanceof Type t && t.getSort() == Type.METHOD) {
                        refuse("loads a method type, which rules may not use");
                    } else if (value instanceof Type t) {
                        if (t.getSort() != Type.OBJECT || !classConstantAllowed(t.getInternalName())) {
                            refuse("names the class " + t.getClassName() + ", which rules may not use");
                        }
                    } else if (value instanceof Handle || value instanceof ConstantDynamic) {
                        refuse("loads a method handle or a dynamic constant, which rules may not use");
                    }
                }

                private boolean classConstantAllowed(String type) {
                    return given(type) || inPackage(type, "io/nbo/model/") || CLASS_CONSTANTS.contains(type);
                }

                @Override
                public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
                    instruction++;
                    boolean put = opcode == Opcodes.PUTSTATIC || opcode == Opcodes.PUTFIELD;
                    if (given(owner)) {
                        String declaring = declaringGiven(owner, name + ":" + descriptor, true);
                        if (declaring == null) {
                            refuse((put ? "writes " : "reads ") + dotted(externalAncestor(owner)) + "." + name
                                    + ", which rules may not use");
                        } else if (opcode == Opcodes.PUTSTATIC && !(declaring.equals(className) && method.startsWith("<clinit>("))) {
                            refuse("changes the static field " + name + " after its class is set up:"
                                    + " rules may not keep state between decisions");
                        } else if (opcode == Opcodes.PUTFIELD && !(declaring.equals(className) && method.startsWith("<init>("))) {
                            refuse("changes the field " + name + " of an object after it is created:"
                                    + " rules may not keep state between decisions");
                        } else if (opcode == Opcodes.GETSTATIC && descriptor.startsWith("[")
                                && !(declaring.equals(className) && (method.startsWith("<clinit>(") || method.startsWith("values(")))) {
                            refuse("reads the array " + name + " outside its class's values(): rules may not keep state"
                                    + " between decisions");
                        }
                        if (opcode == Opcodes.GETSTATIC && name.equals("INSTANCE") && !declaring.equals(className)) {
                            instances.add(declaring);
                        }
                    } else if (put) {
                        refuse("changes " + dotted(owner) + "." + name + ", which rules may not do");
                    } else if (opcode == Opcodes.GETFIELD || !fieldAllowed(owner, name, className, method)) {
                        refuse("reads " + dotted(owner) + "." + name + ", which rules may not use");
                    }
                }

                @Override
                public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
                    instruction++;
                    if (opcode == Opcodes.INVOKESTATIC && owner.equals(D) && name.equals("rule") && stringAt == instruction - 1) {
                        // D.rule(package, name): the rule's name is the last constant pushed before the call.
                        rule = string;
                    }
                    checkCall(owner, name, descriptor, "calls ");
                }

                private void checkCall(String owner, String name, String descriptor, String verb) {
                    if (given(owner)) {
                        String declaring = declaringGiven(owner, name + descriptor, false);
                        if (declaring != null) {
                            calls.get(node).add(declaring + "." + name + descriptor);
                            return;
                        }
                        // Inherited from outside the set (getClass(), ordinal()...): checked where it is declared.
                        owner = externalAncestor(owner);
                    }
                    if (!callAllowed(owner, name, className, method)) {
                        refuse(name.equals("<init>") ? "creates a new " + dotted(owner) + ", which rules may not do"
                                : verb + dotted(owner) + "." + name + ", which rules may not use");
                    }
                }

                @Override
                public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
                    instruction++;
                    boolean staticBootstrap = bootstrap.getTag() == Opcodes.H_INVOKESTATIC;
                    if (staticBootstrap && bootstrap.getOwner().equals(STRING_CONCAT_FACTORY)
                            && bootstrap.getName().equals("makeConcatWithConstants")) {
                        return;
                    }
                    if (!(staticBootstrap && bootstrap.getOwner().equals(LAMBDA_METAFACTORY)
                            && (bootstrap.getName().equals("metafactory") || bootstrap.getName().equals("altMetafactory")))) {
                        refuse("uses " + dotted(bootstrap.getOwner()) + "." + bootstrap.getName()
                                + " to link a call, which rules may not use");
                        return;
                    }
                    for (Object argument : arguments) {
                        if (argument instanceof Handle h) {
                            if (h.getTag() < Opcodes.H_INVOKEVIRTUAL) {
                                refuse("uses a handle on the field " + dotted(h.getOwner()) + "." + h.getName()
                                        + ", which rules may not use");
                            } else if (h.getTag() == Opcodes.H_NEWINVOKESPECIAL && !given(h.getOwner())
                                    && !newAllowed(h.getOwner(), className, method)) {
                                refuse("creates a new " + dotted(h.getOwner()) + " (through a lambda), which rules may not do");
                            } else {
                                checkCall(h.getOwner(), h.getName(), h.getDesc(), "calls (through a lambda) ");
                            }
                        } else if (argument instanceof Type t && t.getSort() == Type.OBJECT
                                && !classConstantAllowed(t.getInternalName())) {
                            refuse("names the class " + t.getClassName() + ", which rules may not use");
                        } else if (argument instanceof ConstantDynamic) {
                            refuse("loads a dynamic constant, which rules may not use");
                        }
                    }
                }

                @Override
                public void visitEnd() {
                    if (rule != null) {
                        ruleOfMethod.put(node, rule);
                        for (String lambda : instances) {
                            rulesOfClass.computeIfAbsent(lambda, k -> new TreeSet<>()).add(rule);
                        }
                    }
                }
            }
        }
    }

    /** Whether a class or method named by the code may be used by rules, by {@link RuleLanguage}'s list. */
    private static boolean languageAllows(String owner, String name) {
        if (!(inPackage(owner, "io/nbo/model/") || inPackage(owner, "java/lang/") || inPackage(owner, "java/util/"))) {
            return false;
        }
        try {
            // Loaded, never initialised: no code of the class runs.
            Class<?> c = Class.forName(owner.replace('/', '.'), false, RuleLanguage.class.getClassLoader());
            return RuleLanguage.allows(c, name);
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Directly in the package, not in a package below it (java/util, not java/util/regex). */
    private static boolean inPackage(String internalName, String pkg) {
        return internalName.startsWith(pkg) && internalName.indexOf('/', pkg.length()) < 0;
    }

    private static String dotted(String internalName) {
        return internalName.replace('/', '.');
    }

    /** "owner", "name1 name2", "owner2", "..." to the set of "owner.name". */
    private static Set<String> members(String... ownerThenNames) {
        Set<String> members = new HashSet<>();
        for (int i = 0; i < ownerThenNames.length; i += 2) {
            for (String name : ownerThenNames[i + 1].split(" ")) {
                members.add(ownerThenNames[i] + "." + name);
            }
        }
        return Set.copyOf(members);
    }

    /** prefix + n + suffix for n from first to last: Block0 to Block31. */
    private static Set<String> numbered(String prefix, int first, int last, String suffix) {
        return IntStream.rangeClosed(first, last).mapToObj(i -> prefix + i + suffix).collect(Collectors.toUnmodifiableSet());
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        return Stream.of(sets).flatMap(Set::stream).collect(Collectors.toUnmodifiableSet());
    }
}
