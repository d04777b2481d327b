package io.nbo.rules.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.nbo.rules.sandbox.BytecodeVerifier.Violation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

class BytecodeVerifierTest {

    private static final String LAMBDA = "rules/P12/LambdaConsequenceAB";
    private static final String RULE_METHODS = "rules/RulesABCRuleMethods0";
    private static final String D = "org/drools/modelcompiler/dsl/pattern/D";

    /** Everything the marketer language allows, written the ways marketers write it. */
    private static final String ALLOWED_DRL = """
            package rules;

            import io.nbo.model.*;

            rule "Comparisons, logic and half-constraints"
                salience 10
            when
                $r : Result()
                Customer(known, number("loyaltyPoints") >= 100, number("lifetimeValue") > 1 && < 5000, !flag("appInstalled"),
                         text("tier") != "bronze" || cartIdleHours() < 24.0, daysSince("signupDate") <= 30 || !has("city"),
                         text("tier") > "a", text("tier") <= "z", cart.itemCount == 2, currentMonth() in (1, 2, 12))
                Request(channel == "web", placement != null, attr("q") != null && != "")
                $o : Offer(id == "welcome-10" || == "welcome-20", value > 1.5, cost < 100, weight >= 1 && <= 5)
            then
                $r.eligible($o, "Comparisons");
            end

            rule "In, not in, contains, memberOf"
                no-loop
            when
                $r : Result()
                $c : Customer(text("tier") in ("gold", "platinum"), text("city") not in ("x", "y"))
                Request(attr("campaign") memberOf $c.cart.items || channel not memberOf $c.cart.items)
                $o : Offer(tags contains "vip", tags not contains "checkout", group in ("cross-sell"))
            then
                $r.eligible($o);
            end

            rule "Bindings join patterns"
            when
                $r : Result()
                Customer($fav : text("favoriteCategory") != null, $ltv : number("lifetimeValue"), $opens : engagement("email", "opens"))
                Request($ch : channel, $page : page)
                $o : Offer(group == $fav, tags contains $fav, value < $ltv, deliversOn($ch), name != "Best of " + $fav,
                           cost < Math.max(10, $ltv / 2))
            then
                String why = "You like " + $fav + " on " + $ch + " (" + $page + "), " + $opens + " opens";
                double factor = Math.max(1.1, $ltv / 1000.0) * 2 - 0.5;
                int n = $fav.length() + 3 * 2;
                long opens = $opens + 1L;
                boolean many = opens > 10;
                if (factor > 2 && n > 4 || opens % 2 == 0 || many) {
                    $r.boost($o, Math.min(factor, 3.0), why);
                } else if ($fav.startsWith("a")) {
                    $r.boost($o.getId(), 1.2, why.toLowerCase().trim());
                } else {
                    $r.exclude($o, "no " + n);
                }
            end

            rule "Not, exists, or"
            when
                $r : Result()
                not Customer(known)
                exists Request(channel == "app")
                ( Request(device == "mobile") or Request(page == "checkout") )
                $o : Offer(id == "app-download")
            then
                $r.eligible($o, "Conditional elements");
            end

            rule "Eval and arithmetic on ints, longs and doubles"
            when
                $r : Result()
                $c : Customer(recentCount("search", 7) * 2 >= 4, engagement("sms", "clicks") + 1L > 2, number("x") * 1.5 + 2 < 10)
                eval($c.cartIdleHours() > 1.0 && Math.abs($c.number("y")) < 3)
                $o : Offer(value - cost > 1.0, weight * 2 >= 1, netValue / 2 != 0)
            then
                $r.eligible($o, "Arithmetic " + ($c.currentMonth() + 1));
            end

            rule "Regular expressions through Text.matches, and strings and lists"
            when
                $r : Result()
                Request(Text.matches(attr("q"), "(?i)boots?"), attr("utm_medium").toUpperCase().contains("MAIL"),
                        attr("q") contains "boot", page.equalsIgnoreCase("HOME") || page.endsWith("/sale"))
                Customer(Text.matches(text("tier"), "gold|platinum"), cart.total > 50.0, cart.itemCount > 1, !cart.empty,
                         cart.hasCategory("shoes"))
                $o : Offer(id.startsWith("shoe"), name.length() > 3, tags.size() > 0, !tags.isEmpty())
            then
                $r.preferChannel("email", 1.3, "Regex " + $o.getName());
            end

            rule "Exists and not, joined on a bound fact"
            when
                $r : Result()
                $c : Customer()
                exists Offer(group == "winback", value > $c.number("lifetimeValue"))
                not Offer(id == "welcome-10", value < $c.cartIdleHours())
                $o : Offer(id == "winback-20")
            then
                $r.eligible($o);
            end

            rule "Nothing to do"
            when
                Request()
            then
            end
            """;

    @Test
    void theDemoRulesVerifyClean() throws IOException {
        Map<String, String> drl = new TreeMap<>();
        try (Stream<Path> files = Files.list(Path.of("rules"))) {
            for (Path p : files.filter(p -> p.toString().endsWith(".drl")).toList()) {
                drl.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        Map<String, byte[]> classes = ExecutableModelBuild.classes(drl);

        assertThat(classes.keySet()).anyMatch(n -> n.startsWith("rules/P") && n.contains("/LambdaConsequence"))
                .anyMatch(n -> n.startsWith("org/drools/project/model/ProjectModel_"));
        assertThat(BytecodeVerifier.verify(classes)).isEmpty();
    }

    /**
     * Past 1,000 rules in a package, the executable model spreads them over classes that each supply a list; the model
     * gathers them one by one, and past 2,999 rules through an array of suppliers.
     */
    @ParameterizedTest(name = "{0} rules")
    @ValueSource(ints = {1_001, 3_000})
    void aRuleSetSplitOverSeveralClassesVerifiesClean(int rules) {
        StringBuilder drl = new StringBuilder("package rules;\nimport io.nbo.model.*;\n");
        for (int i = 0; i < rules; i++) {
            drl.append("rule \"R").append(i).append("\"\nwhen\n    $r : Result()\n    Request(channel == \"web\")\n")
                    .append("    $o : Offer(id == \"offer-").append(i).append("\")\nthen\n    $r.eligible($o, \"r\");\nend\n");
        }
        Map<String, byte[]> classes = ExecutableModelBuild.classes(Map.of("many.drl", drl.toString()));

        assertThat(classes.keySet()).as("the rules are split over suppliers").anyMatch(n -> n.matches("rules/Rules[0-9A-F]+Rules\\d+"));
        assertThat(BytecodeVerifier.verify(classes)).isEmpty();
    }

    @Test
    void everythingTheLanguageAllowsVerifiesClean() {
        Map<String, byte[]> classes = ExecutableModelBuild.classes(Map.of("allowed.drl", ALLOWED_DRL));

        assertThat(BytecodeVerifier.verify(classes)).isEmpty();
    }

    @Test
    void drlThatReachesOutsideTheLanguageIsRefusedAndTheRuleNamed() {
        Map<String, byte[]> classes = ExecutableModelBuild.classes(Map.of("bad.drl", """
                package rules;

                import io.nbo.model.*;

                rule "Reads the environment"
                when
                    $r : Result()
                    $o : Offer(id == "x")
                then
                    $r.eligible($o, System.getenv("X"));
                end

                rule "Reads a file"
                when
                    $r : Result()
                    $o : Offer(id == "y")
                then
                    if (new java.io.File("/etc/passwd").exists()) { $r.eligible($o); }
                end

                rule "Finds the class loader"
                when
                    $o : Offer(id == "z")
                then
                    Object loader = $o.getClass().getClassLoader();
                end

                rule "Matches with java.util.regex"
                when
                    $r : Result()
                    Request(attr("x") matches "a+")
                    $o : Offer(id == "w")
                then
                    $r.eligible($o);
                end

                rule "Inserts a fact"
                when
                    $o : Offer(id == "v")
                then
                    insert(new Result());
                end
                """));

        List<Violation> violations = BytecodeVerifier.verify(classes);

        assertThat(violations).extracting(Violation::rule, Violation::what).contains(
                tuple("Reads the environment", "calls java.lang.System.getenv, which rules may not use"),
                tuple("Reads a file", "creates a new java.io.File, which rules may not do"),
                tuple("Reads a file", "calls java.io.File.exists, which rules may not use"),
                tuple("Finds the class loader", "calls java.lang.Object.getClass, which rules may not use"),
                tuple("Finds the class loader", "calls java.lang.Class.getClassLoader, which rules may not use"),
                // matches compiles to java.util.regex itself: a Pattern kept in the predicate class, used in test().
                tuple("Matches with java.util.regex", "calls java.util.regex.Pattern.compile, which rules may not use"),
                tuple("Matches with java.util.regex", "calls java.util.regex.Pattern.matcher, which rules may not use"),
                tuple("Inserts a fact", "calls org.drools.model.Drools.insert, which rules may not use"),
                tuple("Inserts a fact", "creates a new io.nbo.model.Result, which rules may not do"));
        assertThat(violations).extracting(Violation::rule).doesNotContainNull();
        assertThat(violations).allSatisfy(v -> assertThat(v.className()).startsWith("rules/"));
    }

    @Test
    void callsToTheMachineAreRefused() {
        assertThat(whats(method(mv -> {
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Runtime", "getRuntime", "()Ljava/lang/Runtime;", false);
            mv.visitLdcInsn("rm -rf /");
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Runtime", "exec", "(Ljava/lang/String;)Ljava/lang/Process;", false);
            mv.visitInsn(Opcodes.POP);
        }))).containsExactly("calls java.lang.Runtime.getRuntime, which rules may not use",
                "calls java.lang.Runtime.exec, which rules may not use");

        assertThat(whats(method(mv -> {
            mv.visitInsn(Opcodes.ACONST_NULL);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/net/URL", "openStream", "()Ljava/io/InputStream;", false);
            mv.visitInsn(Opcodes.POP);
        }))).containsExactly("calls java.net.URL.openStream, which rules may not use");

        assertThat(whats(method(mv -> {
            mv.visitTypeInsn(Opcodes.NEW, "java/io/File");
            mv.visitInsn(Opcodes.POP);
        }))).containsExactly("creates a new java.io.File, which rules may not do");
    }

    @Test
    void reflectionIsRefused() {
        assertThat(whats(method(mv -> {
            mv.visitLdcInsn(Type.getObjectType("io/nbo/model/Offer"));
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Class", "getClassLoader", "()Ljava/lang/ClassLoader;", false);
            mv.visitInsn(Opcodes.POP);
        }))).containsExactly("calls java.lang.Class.getClassLoader, which rules may not use");

        assertThat(whats(method(mv -> {
            mv.visitLdcInsn(Type.getObjectType("java/lang/Runtime"));
            mv.visitInsn(Opcodes.POP);
        }))).containsExactly("names the class java.lang.Runtime, which rules may not use");

        // getClass() on a generated class is Object.getClass(), whatever owner the call names.
        assertThat(whats(method(mv -> {
            mv.visitInsn(Opcodes.ACONST_NULL);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, LAMBDA, "getClass", "()Ljava/lang/Class;", false);
            mv.visitInsn(Opcodes.POP);
        }))).containsExactly("calls java.lang.Object.getClass, which rules may not use");
    }

    @Test
    void theSessionIsOutOfReach() {
        assertThat(whats(method(mv -> {
            mv.visitInsn(Opcodes.ACONST_NULL);
            mv.visitInsn(Opcodes.ACONST_NULL);
            mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, "org/drools/model/Drools", "delete", "(Ljava/lang/Object;)V", true);
        }))).containsExactly("calls org.drools.model.Drools.delete, which rules may not use");
    }

    @Test
    void unboundedTextMethodsAreRefused() {
        assertThat(whats(method(mv -> {
            mv.visitLdcInsn("(a+)+$");
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/util/regex/Pattern", "compile", "(Ljava/lang/String;)Ljava/util/regex/Pattern;", false);
            mv.visitInsn(Opcodes.POP);
        }))).containsExactly("calls java.util.regex.Pattern.compile, which rules may not use");

        assertThat(whats(method(mv -> {
            mv.visitLdcInsn("a");
            mv.visitLdcInsn(Integer.MAX_VALUE);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/String", "repeat", "(I)Ljava/lang/String;", false);
            mv.visitInsn(Opcodes.POP);
        }))).containsExactly("calls java.lang.String.repeat, which rules may not use");
    }

    @Test
    void theLanguageAndTheScaffoldingAreAllowed() {
        assertThat(whats(method(mv -> {
            mv.visitLdcInsn("gold");
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/String", "toUpperCase", "()Ljava/lang/String;", false);
            mv.visitLdcInsn("(?i)GOLD");
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "io/nbo/model/Text", "matches", "(Ljava/lang/String;Ljava/lang/String;)Z", false);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Boolean", "valueOf", "(Z)Ljava/lang/Boolean;", false);
            mv.visitFieldInsn(Opcodes.GETSTATIC, "org/drools/model/Index$ConstraintType", "EQUAL", "Lorg/drools/model/Index$ConstraintType;");
            mv.visitInsn(Opcodes.POP2);
        }))).isEmpty();
    }

    @Test
    void staticStateIsRefused() {
        byte[] stash = classWith(LAMBDA, "java/lang/Object", cw -> {
            cw.visitField(Opcodes.ACC_STATIC, "n", "I", null, null).visitEnd();
            MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "execute", "()V", null, null);
            mv.visitCode();
            mv.visitInsn(Opcodes.ICONST_1);
            mv.visitFieldInsn(Opcodes.PUTSTATIC, LAMBDA, "n", "I");
            mv.visitInsn(Opcodes.RETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        });

        List<Violation> violations = BytecodeVerifier.verify(Map.of(LAMBDA, stash));

        assertThat(violations).extracting(Violation::method, Violation::what).containsExactlyInAnyOrder(
                tuple(null, "declares a static field n that is not final: rules may not keep state between decisions"),
                tuple("execute", "changes the static field n after its class is set up: rules may not keep state between decisions"));
    }

    @Test
    void fieldsThatCouldCarryStateAreRefused() {
        byte[] stash = classWith(LAMBDA, "java/lang/Object", cw -> {
            cw.visitField(Opcodes.ACC_STATIC | Opcodes.ACC_FINAL, "kept", "[Ljava/lang/Object;", null, null).visitEnd();
            cw.visitField(Opcodes.ACC_FINAL, "last", "Lio/nbo/model/Result;", null, null).visitEnd();
            MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "execute", "(Lio/nbo/model/Result;)V", null, null);
            mv.visitCode();
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitVarInsn(Opcodes.ALOAD, 1);
            mv.visitFieldInsn(Opcodes.PUTFIELD, LAMBDA, "last", "Lio/nbo/model/Result;");
            mv.visitInsn(Opcodes.RETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        });

        assertThat(whats(Map.of(LAMBDA, stash))).containsExactlyInAnyOrder(
                "has a field kept of type java.lang.Object[], which rules may not have: a field may hold only text, numbers and the rule set's own objects",
                "has a field last of type io.nbo.model.Result, which rules may not have: a field may hold only text, numbers and the rule set's own objects",
                "changes the field last of an object after it is created: rules may not keep state between decisions");
    }

    @Test
    void anEnumsConstantsAreReadOnlyToCopyThem() {
        byte[] lambda = classWith(LAMBDA, Opcodes.ACC_ENUM, "java/lang/Enum", new String[0], cw -> {
            cw.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_FINAL | Opcodes.ACC_SYNTHETIC, "ENUM$VALUES",
                    "[L" + LAMBDA + ";", null, null).visitEnd();
            Consumer<MethodVisitor> read = mv -> {
                mv.visitFieldInsn(Opcodes.GETSTATIC, LAMBDA, "ENUM$VALUES", "[L" + LAMBDA + ";");
                mv.visitInsn(Opcodes.POP);
            };
            method(cw, "values", read);
            method(cw, "execute", read);
        });

        assertThat(BytecodeVerifier.verify(Map.of(LAMBDA, lambda))).extracting(Violation::method, Violation::what).containsExactly(
                tuple("execute", "reads the array ENUM$VALUES outside its class's values(): rules may not keep state between decisions"));
    }

    @Test
    void typesAndFieldsOutsideTheLanguageAreRefused() {
        assertThat(whats(method(mv -> {
            mv.visitInsn(Opcodes.ACONST_NULL);
            mv.visitTypeInsn(Opcodes.CHECKCAST, "java/lang/Thread");
            mv.visitInsn(Opcodes.POP);
        }))).containsExactly("uses the type java.lang.Thread, which rules may not use");

        assertThat(whats(method(mv -> {
            mv.visitFieldInsn(Opcodes.GETSTATIC, "java/lang/System", "out", "Ljava/io/PrintStream;");
            mv.visitInsn(Opcodes.POP);
        }))).containsExactly("reads java.lang.System.out, which rules may not use");

        assertThat(whats(method(mv -> {
            mv.visitInsn(Opcodes.ICONST_1);
            mv.visitFieldInsn(Opcodes.PUTSTATIC, "io/nbo/model/Text", "MAX_PATTERN_LENGTH", "I");
        }))).containsExactly("changes io.nbo.model.Text.MAX_PATTERN_LENGTH, which rules may not do");
    }

    @Test
    void nativeAndSynchronizedMethodsAreRefused() {
        byte[] lambda = classWith(LAMBDA, "java/lang/Object", cw -> {
            cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC | Opcodes.ACC_NATIVE, "poke", "()V", null, null).visitEnd();
            MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_SYNCHRONIZED, "execute", "()V", null, null);
            mv.visitCode();
            mv.visitInsn(Opcodes.RETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        });

        assertThat(whats(Map.of(LAMBDA, lambda))).containsExactly("declares a native method, which rules may not do",
                "is synchronized, which rules may not be: it makes decisions wait for each other");
    }

    @Test
    void onlyOneProjectModelAndOnlyClassesThatAreWhatTheySay() {
        String first = "org/drools/project/model/ProjectModel_a";
        String second = "org/drools/project/model/ProjectModel_b";
        Map<String, byte[]> twoModels = new TreeMap<>(Map.of(first, classWith(first, "java/lang/Object", cw -> {
        }), second, classWith(second, "java/lang/Object", cw -> {
        })));

        assertThat(whats(twoModels)).containsExactly("is one of several project models: nbo generates only one",
                "is one of several project models: nbo generates only one");
        assertThat(whats(Map.of("rules/Harmless", classWith(LAMBDA, "java/lang/Object", cw -> {
        })))).containsExactly("is not the class its name says (" + LAMBDA.replace('/', '.') + ")");
        assertThat(whats(Map.of(LAMBDA, new byte[] {(byte) 0xCA, (byte) 0xFE, 0, 1}))).containsExactly("is not a class file nbo can read");
    }

    @Test
    void lambdasMustPointAtAllowedMethods() {
        Handle metafactory = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/LambdaMetafactory", "metafactory",
                "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodType;"
                        + "Ljava/lang/invoke/MethodHandle;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/CallSite;", false);
        Handle exit = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/System", "exit", "(I)V", false);
        Handle max = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/Math", "max", "(II)I", false);

        assertThat(whats(method(mv -> {
            mv.visitInvokeDynamicInsn("accept", "()Ljava/util/function/IntConsumer;", metafactory,
                    Type.getType("(I)V"), exit, Type.getType("(I)V"));
            mv.visitInsn(Opcodes.POP);
        }))).containsExactly("calls (through a lambda) java.lang.System.exit, which rules may not use");

        assertThat(whats(method(mv -> {
            mv.visitInvokeDynamicInsn("applyAsInt", "()Ljava/util/function/IntBinaryOperator;", metafactory,
                    Type.getType("(II)I"), max, Type.getType("(II)I"));
            mv.visitInsn(Opcodes.POP);
        }))).isEmpty();

        Handle bootstrap = new Handle(Opcodes.H_INVOKESTATIC, "rules/P12/Linker", "link", "()Ljava/lang/invoke/CallSite;", false);
        assertThat(whats(method(mv -> {
            mv.visitInvokeDynamicInsn("run", "()V", bootstrap);
        }))).containsExactly("uses rules.P12.Linker.link to link a call, which rules may not use");

        Handle file = new Handle(Opcodes.H_NEWINVOKESPECIAL, "java/io/File", "<init>", "(Ljava/lang/String;)V", false);
        assertThat(whats(method(mv -> {
            mv.visitInvokeDynamicInsn("apply", "()Ljava/util/function/Function;", metafactory,
                    Type.getType("(Ljava/lang/Object;)Ljava/lang/Object;"), file, Type.getType("(Ljava/lang/String;)Ljava/io/File;"));
            mv.visitInsn(Opcodes.POP);
        }))).containsExactly("creates a new java.io.File (through a lambda), which rules may not do");

        assertThat(whats(method(mv -> {
            mv.visitLdcInsn(exit);
            mv.visitInsn(Opcodes.POP);
        }))).containsExactly("loads a method handle or a dynamic constant, which rules may not use");
    }

    @Test
    void synchronizedLoopsAndCatchesAreRefused() {
        assertThat(whats(method(mv -> {
            mv.visitLdcInsn("lock");
            mv.visitInsn(Opcodes.MONITORENTER);
        }))).containsExactly("uses synchronized, which rules may not: it makes decisions wait for each other");

        assertThat(whats(method(mv -> {
            Label top = new Label();
            mv.visitLabel(top);
            mv.visitJumpInsn(Opcodes.GOTO, top);
        }))).containsExactly("repeats in a loop, which rules may not do: a rule must finish at once");

        assertThat(whats(method(mv -> {
            Label start = new Label();
            Label end = new Label();
            Label handler = new Label();
            mv.visitTryCatchBlock(start, end, handler, "java/lang/Throwable");
            mv.visitLabel(start);
            mv.visitInsn(Opcodes.NOP);
            mv.visitLabel(end);
            mv.visitLabel(handler);
        }))).containsExactly("catches java.lang.Throwable, which rules may not do: an error must end the decision");
    }

    @Test
    void aMethodCallingItselfIsRefused() {
        assertThat(whats(method(mv -> mv.visitMethodInsn(Opcodes.INVOKESTATIC, LAMBDA, "execute", "()V", false))))
                .containsExactly("calls itself again (directly or through other methods), which rules may not do: a rule must finish at once");
    }

    @Test
    void generatedClassesExtendAndImplementOnlyTheRuleModel() {
        byte[] thread = classWith(LAMBDA, "java/lang/Thread", cw -> {
        });
        byte[] runnable = classWith(LAMBDA, 0, "java/lang/Object", new String[] {"java/lang/Runnable", "org/drools/model/functions/Block2"},
                cw -> {
                });

        assertThat(whats(Map.of(LAMBDA, thread))).containsExactly("extends java.lang.Thread, which rules may not do");
        assertThat(whats(Map.of(LAMBDA, runnable))).containsExactly("implements java.lang.Runnable, which rules may not do");
    }

    @Test
    void theProjectModelsCallsAreForTheProjectModelOnly() {
        Consumer<MethodVisitor> kieServices = mv -> {
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "org/kie/api/KieServices", "get", "()Lorg/kie/api/KieServices;", true);
            mv.visitInsn(Opcodes.POP);
        };
        String projectModel = "org/drools/project/model/ProjectModel_io_nbo_1_0";

        assertThat(whats(Map.of(projectModel, classWith(projectModel, "java/lang/Object", cw -> method(cw, kieServices))))).isEmpty();
        assertThat(whats(method(kieServices))).containsExactly("calls org.kie.api.KieServices.get, which rules may not use");
    }

    @Test
    void theDateFormatterIsSetUpInAStaticInitialiserOnly() {
        Consumer<MethodVisitor> formatter = mv -> {
            mv.visitTypeInsn(Opcodes.NEW, "java/time/format/DateTimeFormatterBuilder");
            mv.visitInsn(Opcodes.POP);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "org/drools/util/DateUtils", "getDateFormatMask", "()Ljava/lang/String;", false);
            mv.visitInsn(Opcodes.POP);
            mv.visitFieldInsn(Opcodes.GETSTATIC, "java/util/Locale", "ENGLISH", "Ljava/util/Locale;");
            mv.visitInsn(Opcodes.POP);
        };
        byte[] initialiser = classWith(LAMBDA, "java/lang/Object", cw -> method(cw, "<clinit>", formatter));

        assertThat(whats(Map.of(LAMBDA, initialiser))).isEmpty();
        assertThat(whats(method(formatter))).containsExactly("creates a new java.time.format.DateTimeFormatterBuilder, which rules may not do",
                "calls org.drools.util.DateUtils.getDateFormatMask, which rules may not use",
                "reads java.util.Locale.ENGLISH, which rules may not use");
    }

    @Test
    void aViolationInALambdaNamesTheRulesThatUseIt() {
        byte[] lambda = classWith(LAMBDA, "java/lang/Object", cw -> {
            cw.visitField(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC | Opcodes.ACC_FINAL, "INSTANCE", "L" + LAMBDA + ";", null, null).visitEnd();
            method(cw, mv -> {
                mv.visitLdcInsn(0);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/System", "exit", "(I)V", false);
            });
        });
        byte[] ruleMethods = classWith(RULE_METHODS, "java/lang/Object", cw -> {
            for (String rule : List.of("Free stuff", "More free stuff")) {
                method(cw, "rule_" + rule.hashCode(), mv -> {
                    mv.visitLdcInsn("rules");
                    mv.visitLdcInsn(rule);
                    mv.visitMethodInsn(Opcodes.INVOKESTATIC, D, "rule", "(Ljava/lang/String;Ljava/lang/String;)Lorg/drools/model/impl/RuleBuilder;", false);
                    mv.visitFieldInsn(Opcodes.GETSTATIC, LAMBDA, "INSTANCE", "L" + LAMBDA + ";");
                    mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Thread", "currentThread", "()Ljava/lang/Thread;", false);
                    mv.visitInsn(Opcodes.POP2);
                    mv.visitInsn(Opcodes.POP);
                });
            }
        });
        Map<String, byte[]> classes = new LinkedHashMap<>();
        classes.put(RULE_METHODS, ruleMethods);
        classes.put(LAMBDA, lambda);

        assertThat(BytecodeVerifier.verify(classes)).extracting(Violation::className, Violation::rule, Violation::what)
                .containsExactly(
                        tuple(RULE_METHODS, "Free stuff", "calls java.lang.Thread.currentThread, which rules may not use"),
                        tuple(RULE_METHODS, "More free stuff", "calls java.lang.Thread.currentThread, which rules may not use"),
                        tuple(LAMBDA, "Free stuff", "calls java.lang.System.exit, which rules may not use"),
                        tuple(LAMBDA, "More free stuff", "calls java.lang.System.exit, which rules may not use"));
    }

    @Test
    void classesOutsideTheRulesPackageAreRefused() {
        String model = "io/nbo/model/Helper";

        assertThat(whats(Map.of(model, classWith(model, "java/lang/Object", cw -> {
        })))).containsExactly("is generated outside the rules package (io.nbo.model.Helper): rules must be in package rules");
    }

    private static List<String> whats(Map<String, byte[]> classes) {
        return BytecodeVerifier.verify(classes).stream().map(Violation::what).toList();
    }

    /** One generated class, {@link #LAMBDA}, with a static method execute() made of the code given. */
    private static Map<String, byte[]> method(Consumer<MethodVisitor> code) {
        return Map.of(LAMBDA, classWith(LAMBDA, "java/lang/Object", cw -> method(cw, code)));
    }

    private static void method(ClassWriter cw, Consumer<MethodVisitor> code) {
        method(cw, "execute", code);
    }

    private static void method(ClassWriter cw, String name, Consumer<MethodVisitor> code) {
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, name, "()V", null, null);
        mv.visitCode();
        code.accept(mv);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** A class written with ASM directly, so that no compiler or syntax check stands between the test and the verifier. */
    private static byte[] classWith(String name, String superName, Consumer<ClassWriter> members) {
        return classWith(name, 0, superName, new String[0], members);
    }

    private static byte[] classWith(String name, int access, String superName, String[] interfaces, Consumer<ClassWriter> members) {
        // COMPUTE_MAXS only: frames would need the classes loaded, and the verifier reads the bytes without loading them.
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | access, name, null, superName, interfaces);
        members.accept(cw);
        cw.visitEnd();
        return cw.toByteArray();
    }
}
