package dev.strangler.gateway.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;

import dev.strangler.gateway.routing.RoutePlanner;
import dev.strangler.gateway.web.BackendFailure;
import dev.strangler.gateway.scg.MigrationRoutingFilter;

/**
 * The package layering the design relies on: packages by concept that do not import each other in a circle; a core
 * (the header names, the routes model, the routing decision, the canary, the breakers, the figures) that knows no
 * proxy engine, so both proxy paths are built on it; and each engine reached only from its adapter: Spring Cloud
 * Gateway and WebFlux from {@code scg}, Netty's pipeline from {@code direct} and {@code edge}.
 */
class ArchitectureTest {

    /**
     * The module's own compiled classes, read from where Maven put them, which is much faster than a classpath scan;
     * without the bean definitions Spring's AOT processing writes there on {@code package}, which are generated code.
     */
    static final JavaClasses GATEWAY = new ClassFileImporter()
            .withImportOption(location -> location.contains("/dev/strangler/gateway/") && !location.contains("__"))
            .importPath(Path.of("target/classes"));

    static final String[] CORE = { "dev.strangler.gateway.http..", "dev.strangler.gateway.routes..", "dev.strangler.gateway.routing..",
            "dev.strangler.gateway.canary..", "dev.strangler.gateway.resilience..", "dev.strangler.gateway.observe.." };

    static final String[] SPRING_CLOUD_GATEWAY = { "org.springframework.cloud.gateway.." };

    static final String[] WEBFLUX = { "org.springframework.web.server..", "org.springframework.web.reactive..",
            "org.springframework.http.server..", "org.springframework.boot.web.reactive..", "reactor.core..",
            "reactor.util.." };

    static final String[] NETTY = { "io.netty..", "reactor.netty..", "org.springframework.boot.web.embedded.netty.." };

    @Test
    void theGatewaysClassesAreThere() {
        assertThat(GATEWAY.contain(RoutePlanner.class)).as("classes read from target/classes").isTrue();
        assertThat(GATEWAY.contain(MigrationRoutingFilter.class)).as("classes read from target/classes").isTrue();
    }

    @Test
    void packagesDoNotDependOnEachOtherInACircle() {
        slices().matching("dev.strangler.gateway.(*)..").should().beFreeOfCycles().check(GATEWAY);
    }

    @Test
    void theCoreKnowsNoProxyEngine() {
        noClasses().that().resideInAnyPackage(CORE)
                .should().dependOnClassesThat().resideInAnyPackage(SPRING_CLOUD_GATEWAY)
                .orShould().dependOnClassesThat().resideInAnyPackage(WEBFLUX)
                .orShould().dependOnClassesThat().resideInAnyPackage(NETTY)
                .because("both proxy paths take their decisions from the core, so it must not be written for one of them")
                .check(GATEWAY);
    }

    @Test
    void headerNamesAreALeafEveryPackageMayName() {
        classes().that().resideInAPackage("dev.strangler.gateway.http..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.strangler.gateway.http..", "java..")
                .because("the header names are written in one place, which the routes reader, the routing core and "
                        + "both proxy paths all read, so it can depend on none of them")
                .check(GATEWAY);
    }

    @Test
    void theCoreKnowsNoAdapter() {
        noClasses().that().resideInAnyPackage(CORE)
                // The one adapter class the core may name: the failure classes both paths classify into, in which the
                // resilience rules are written.
                .should().dependOnClassesThat(resideInAnyPackage("dev.strangler.gateway.scg..", "dev.strangler.gateway.direct..",
                        "dev.strangler.gateway.edge..", "dev.strangler.gateway.shadow..", "dev.strangler.gateway.web..")
                        .and(not(equivalentTo(BackendFailure.class))))
                .check(GATEWAY);
    }

    @Test
    void onlyTheSpringCloudGatewayAdapterFiltersExchanges() {
        noClasses().that().resideOutsideOfPackages("dev.strangler.gateway.scg..", "dev.strangler.gateway.shadow..",
                        "dev.strangler.gateway.web..")
                .and().doNotHaveFullyQualifiedName("dev.strangler.gateway.direct.DirectProxyConfiguration")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework.cloud.gateway.filter..",
                        "org.springframework.cloud.gateway.route..", "org.springframework.cloud.gateway.support..",
                        "org.springframework.web.server..")
                .because("Spring Cloud Gateway's filters and exchanges belong to its adapter; the direct path only reads "
                        + "its client settings (HttpClientProperties), which it honours too, and its configuration reads the "
                        + "RemoveHopByHopHeadersFilter bean, whose configured list both paths drop")
                .check(GATEWAY);
    }

    @Test
    void theDirectPathDoesNotGoThroughSpringCloudGateway() {
        noClasses().that().resideInAPackage("dev.strangler.gateway.direct..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.strangler.gateway.scg..")
                .orShould().dependOnClassesThat().resideInAnyPackage("org.springframework.web.server..",
                        "org.springframework.web.reactive..", "org.springframework.http.server..")
                .because("the direct path serves requests on Netty's pipeline, without WebFlux's exchange")
                .check(GATEWAY);
    }

    @Test
    void springCloudGatewaysAdapterDoesNotReachIntoTheDirectPath() {
        noClasses().that().resideInAPackage("dev.strangler.gateway.scg..")
                .should().dependOnClassesThat().resideInAPackage("dev.strangler.gateway.direct..")
                .check(GATEWAY);
    }
}
