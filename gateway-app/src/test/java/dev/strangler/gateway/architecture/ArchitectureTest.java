package dev.strangler.gateway.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;

import dev.strangler.gateway.routing.RoutePlanner;

/**
 * The package layering the design relies on: packages by concept that do not import each other in a circle, and a
 * routing model that knows no proxy engine, so both proxy paths can be built on it.
 */
class ArchitectureTest {

    /** The module's own compiled classes, read from where Maven put them, which is much faster than a classpath scan. */
    static final JavaClasses GATEWAY = new ClassFileImporter().importPath(Path.of("target/classes"));

    @Test
    void theGatewaysClassesAreThere() {
        assertThat(GATEWAY.contain(RoutePlanner.class)).as("classes read from target/classes").isTrue();
    }

    @Test
    void packagesDoNotDependOnEachOtherInACircle() {
        slices().matching("dev.strangler.gateway.(*)..").should().beFreeOfCycles().check(GATEWAY);
    }

    @Test
    void theRoutesModelAndTheCanaryKnowNoProxyEngine() {
        noClasses().that().resideInAnyPackage("dev.strangler.gateway.routes..", "dev.strangler.gateway.canary..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework.cloud.gateway..",
                        "org.springframework.web.server..", "org.springframework.http.server..", "io.netty..", "reactor..")
                .check(GATEWAY);
    }

    @Test
    void theRoutingDecisionKnowsNoProxyEngine() {
        noClasses().that().haveSimpleNameStartingWith("Route").or().haveSimpleName("RoutingDecision").or().haveSimpleName("RequestView")
                .or().haveSimpleName("RequestPath")
                .or().haveSimpleName("CompiledRoute").or().haveSimpleName("ResponseTags").or().haveSimpleName("PathNormalizer")
                .and().resideInAPackage("dev.strangler.gateway.routing")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework.cloud.gateway..",
                        "org.springframework.web.server..", "org.springframework.http.server..", "io.netty..", "reactor..")
                .check(GATEWAY);
    }
}
