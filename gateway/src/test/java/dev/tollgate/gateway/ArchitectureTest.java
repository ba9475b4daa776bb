package dev.tollgate.gateway;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package structure docs/architecture.md describes, checked on the compiled classes: features depend on small
 * shared packages and never in a loop, so each can be read (and changed) without the ones that depend on it.
 */
class ArchitectureTest {

    private static final JavaClasses GATEWAY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tollgate.gateway");

    @Test
    void featurePackagesDependOnEachOtherWithoutCycles() {
        slices().matching("dev.tollgate.gateway.(*)..").should().beFreeOfCycles().check(GATEWAY);
    }

    @Test
    void adminStateSyncKnowsNoFeature() {
        noClasses().that().resideInAPackage("..gateway.sync..")
                .should().dependOnClassesThat().resideInAnyPackage("..gateway.auth..", "..gateway.tenancy..",
                        "..gateway.registry..", "..gateway.budget..", "..gateway.routing..",
                        "..gateway.alerting..", "..gateway.signals..")
                .because("each feature owns its admin state through AdminStateFeed; sync is the shared interface")
                .check(GATEWAY);
    }

    @Test
    void routingKnowsNothingOfWhoWatchesItsEndpoints() {
        noClasses().that().resideInAPackage("..gateway.routing..")
                .should().dependOnClassesThat().resideInAnyPackage("..gateway.signals..", "..gateway.alerting..")
                .because("routing tells observers through EndpointObserver; the features that watch it depend on it")
                .check(GATEWAY);
    }

    @Test
    void theRequestPathNeverOpensASecret() {
        noClasses().that().resideInAnyPackage("..gateway.inbound..", "..gateway.upstream..", "..gateway.exchange..",
                        "..gateway.auth..", "..gateway.routing..", "..gateway.ratelimit..", "..gateway.budget..")
                .should().dependOnClassesThat().resideInAPackage("..gateway.secrets..")
                .because("upstream keys are opened when endpoint state is applied (registry), never per request")
                .check(GATEWAY);
    }

    @Test
    void secretsAndTheAuditTrailKnowNoFeature() {
        noClasses().that().resideInAnyPackage("..gateway.secrets..", "..gateway.audit..")
                .should().dependOnClassesThat().resideInAnyPackage("..gateway.auth..", "..gateway.tenancy..",
                        "..gateway.registry..", "..gateway.budget..", "..gateway.routing..", "..gateway.alerting..",
                        "..gateway.evals..", "..gateway.inbound..", "..gateway.upstream..")
                .because("they serve every feature: a feature seals through SecretSealer, and is audited by path")
                .check(GATEWAY);
    }

    @Test
    void admissionGatesDoNotDependOnTheProxy() {
        noClasses().that().resideInAnyPackage("..gateway.ratelimit..", "..gateway.budget..")
                .should().dependOnClassesThat().resideInAnyPackage("..gateway.inbound..", "..gateway.upstream..")
                .because("the gates see a request through the exchange, below the inbound and upstream sides")
                .check(GATEWAY);
    }
}
