package dev.tollgate.streams;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The package structure docs/architecture.md describes, checked on the compiled classes: capabilities build on the
 * shared {@code topology}, {@code intake}, {@code query}, {@code serde} and {@code sketch} packages and never on each
 * other, and no two packages depend on each other in a loop.
 */
class ArchitectureTest {

    private static final JavaClasses STREAMS = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tollgate.streams");

    @Test
    void packagesDependOnEachOtherWithoutCycles() {
        slices().matching("dev.tollgate.streams.(*)..").should().beFreeOfCycles().check(STREAMS);
    }

    @Test
    void capabilitiesDoNotDependOnEachOther() {
        String[] capabilities = {"..streams.usage..", "..streams.budgets..", "..streams.rollups..",
            "..streams.evals..", "..streams.alerts.."};
        for (String capability : capabilities) {
            noClasses().that().resideInAPackage(capability)
                    .should().dependOnClassesThat().resideInAnyPackage(others(capabilities, capability))
                    .because("a capability reads the shared intake, not another capability")
                    .check(STREAMS);
        }
    }

    @Test
    void sharedPackagesKnowNoCapability() {
        noClasses().that().resideInAnyPackage("..streams.topology..", "..streams.intake..", "..streams.query..",
                        "..streams.serde..", "..streams.deadletter..", "..streams.sketch..")
                .should().dependOnClassesThat().resideInAnyPackage("..streams.usage..", "..streams.budgets..",
                        "..streams.rollups..", "..streams.evals..", "..streams.alerts..", "..streams.app..")
                .check(STREAMS);
    }

    private static String[] others(String[] all, String one) {
        return java.util.Arrays.stream(all).filter(p -> !p.equals(one)).toArray(String[]::new);
    }
}
