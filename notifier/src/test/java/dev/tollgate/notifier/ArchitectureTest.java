package dev.tollgate.notifier;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The notifier's packages depend on each other without cycles, like the gateway's and the streams app's. */
class ArchitectureTest {

    private static final JavaClasses NOTIFIER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tollgate.notifier");

    @Test
    void packagesDependOnEachOtherWithoutCycles() {
        slices().matching("dev.tollgate.notifier.(*)..").should().beFreeOfCycles().check(NOTIFIER);
    }
}
