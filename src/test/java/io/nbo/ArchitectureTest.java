package io.nbo;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Dependencies point one way: api -> decision -> {rules, context, offers, policy} -> model; api -> {security, audit}. */
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
                    "io.nbo.context..", "io.nbo.offers..", "io.nbo.policy..", "io.nbo.cli..");

    @ArchTest
    static final ArchRule storageStaysBehindTheRepository = noClasses().that().resideInAnyPackage("io.nbo.api..", "io.nbo.decision..", "io.nbo.security..")
            .should().dependOnClassesThat().resideInAPackage("io.lettuce..");
}
