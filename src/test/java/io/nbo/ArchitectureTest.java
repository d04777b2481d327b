package io.nbo;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Dependencies point one way: api -> decision -> {rules, context, offers, policy} -> model; api -> {security, audit};
 * simulation -> decision; health -> rules. Redis is reached through io.nbo.redis, by repositories and stores only.
 * ArchUnit reads bytecode, where javac has inlined the constants one class
 * takes from another: {@link SourceDependenciesTest} checks the same directions on the source.
 */
@AnalyzeClasses(packages = "io.nbo", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule packagesHaveNoCycles = slices().matching("io.nbo.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule onlyTheApiKnowsHttp = noClasses().that().resideOutsideOfPackages("io.nbo.api..")
            .should().dependOnClassesThat().resideInAnyPackage("jakarta.ws.rs..", "org.jboss.resteasy..");

    @ArchTest
    static final ArchRule nothingDependsOnTheApi = noClasses().that().resideOutsideOfPackages("io.nbo.api..")
            .should().dependOnClassesThat().resideInAPackage("io.nbo.api..");

    @ArchTest
    static final ArchRule theFactModelStandsAlone = noClasses().that().resideInAPackage("io.nbo.model..")
            .should().dependOnClassesThat().resideInAnyPackage("io.nbo.api..", "io.nbo.decision..", "io.nbo.rules..",
                    "io.nbo.context..", "io.nbo.offers..", "io.nbo.policy..", "io.nbo.cli..", "io.nbo.redis..");

    /** The classes that may not use Lettuce: all but Redis plumbing and repositories and stores (and the classes nested in them). */
    private static final DescribedPredicate<JavaClass> NEITHER_REDIS_PLUMBING_NOR_STORAGE =
            new DescribedPredicate<>("are neither in io.nbo.redis.. nor (nested in) a class named *Repository or *Store") {
                @Override
                public boolean test(JavaClass c) {
                    JavaClass outer = c;
                    while (outer.getEnclosingClass().isPresent()) {
                        outer = outer.getEnclosingClass().get();
                    }
                    return !(c.getPackageName() + ".").startsWith("io.nbo.redis.") && !outer.getSimpleName().endsWith("Repository")
                            && !outer.getSimpleName().endsWith("Store");
                }
            };

    @ArchTest
    static final ArchRule onlyRepositoriesAndStoresTouchLettuce = noClasses().that(NEITHER_REDIS_PLUMBING_NOR_STORAGE)
            .should().dependOnClassesThat().resideInAPackage("io.lettuce..");

    @ArchTest
    static final ArchRule theApiDoesNotKnowRedis = noClasses().that().resideInAPackage("io.nbo.api..")
            .should().dependOnClassesThat().resideInAPackage("io.nbo.redis..");

    @ArchTest
    static final ArchRule nothingDependsOnTheHealthChecks = noClasses().that().resideOutsideOfPackages("io.nbo.health..")
            .should().dependOnClassesThat().resideInAPackage("io.nbo.health..");

    @ArchTest
    static final ArchRule theRequestPathKnowsNoSimulation = noClasses().that().resideInAPackage("io.nbo.decision..")
            .should().dependOnClassesThat().resideInAPackage("io.nbo.simulation..");

    @ArchTest
    static final ArchRule rulesKnowNothingThatUsesThem = noClasses().that().resideInAPackage("io.nbo.rules..")
            .should().dependOnClassesThat().resideInAnyPackage("io.nbo.api..", "io.nbo.decision..", "io.nbo.simulation..",
                    "io.nbo.health..", "io.nbo.events..", "io.nbo.audit..", "io.nbo.cli..");

    @ArchTest
    static final ArchRule theSandboxKnowsOnlyTheFactModel = noClasses().that().resideInAPackage("io.nbo.rules.sandbox..")
            .should().dependOnClassesThat(resideInAPackage("io.nbo..")
                    .and(not(resideInAnyPackage("io.nbo.rules.sandbox..", "io.nbo.model.."))));
}
