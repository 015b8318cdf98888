package dev.strangler.gateway.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RoutesParserTest {

    static final String BACKENDS = """
            backends:
              legacy: { url: "${LEGACY_URL:http://localhost:8081}" }
              orders: { url: "${ORDERS_URL:http://localhost:8082}" }
            defaultBackend: legacy
            routes:
            """;

    final RoutesParser parser = new RoutesParser(Map.of("ORDERS_URL", "http://orders:8082")::get, Clock.systemUTC());

    ParseResult parse(String yaml) {
        return parser.parse("routes.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    String errors(String yaml) {
        ParseResult result = parse(yaml);
        assertThat(result.ok()).as("expected errors").isFalse();
        return String.join("\n", result.errors().stream().map(Object::toString).toList());
    }

    @Test
    void fullSchemaParsesWithPlaceholdersResolvedFromEnvironmentOrDefault() {
        ParseResult result = parse(BACKENDS + """
                  - id: orders-api
                    paths: [/api/orders, /api/orders/**]
                    methods: [GET, POST]
                    backend: orders
                    stage: canary
                    rewrite: { prefix: "/api/orders", to: "/orders" }
                    timeout: 3s
                    retries: 2
                    circuitBreaker: { failureRate: 50, window: 20, openFor: 10s }
                    fallback: legacy
                    canary: { percent: 20, stickyBy: "cookie:strangler_cohort" }
                    advice: { minSamples: 1000, minParity: 99.9 }
                  - id: products
                    paths: [/api/products/**]
                    backend: orders
                    stage: shadow
                    shadow:
                      percent: 100
                      allowWrites: false
                      compare: { ignore: ["/createdAt", "/content/*/createdAt"], numericTolerance: 0.0, headers: [Content-Type] }
                """);
        assertThat(result.errors()).isEmpty();
        MigrationTable table = result.table();
        assertThat(table.backend("legacy").url()).hasToString("http://localhost:8081");
        assertThat(table.backend("orders").url()).hasToString("http://orders:8082");
        RouteSpec orders = table.routes().get(0);
        assertThat(orders.methods()).containsExactlyInAnyOrder("GET", "HEAD", "POST");
        assertThat(orders.stage()).isEqualTo(new Stage.Canary(new CanarySpec(20, new CanarySpec.StickyKey(
                CanarySpec.StickyKey.Source.COOKIE, "strangler_cohort"))));
        assertThat(orders.resilience().timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(orders.resilience().circuitBreaker()).isEqualTo(new Resilience.CircuitBreakerSpec(50, 20, Duration.ofSeconds(10)));
        assertThat(orders.rewrite().apply("/api/orders/7")).isEqualTo("/orders/7");
        assertThat(orders.location()).hasToString("routes.yaml:6:5");
        var shadow = (Stage.Shadow) table.routes().get(1).stage();
        assertThat(shadow.shadow().compare().ignore()).containsExactly("/createdAt", "/content/*/createdAt");
        assertThat(result.contentHash()).hasSize(64);
    }

    @Test
    void yamlSyntaxErrorNamesLineAndColumn() {
        assertThat(errors(BACKENDS + "  - id: a\n    paths: [/a\n    stage: legacy\n"))
                .startsWith("routes.yaml:").contains("YAML syntax");
        assertThat(errors("backends:\n  legacy: { url: http://x }\n defaultBackend: legacy\n")).startsWith("routes.yaml:3:");
    }

    @Test
    void unquotedVariableInAFlowListGetsAHintToQuoteIt() {
        assertThat(errors(BACKENDS + "  - { id: a, paths: [/api/{id}], stage: legacy }\n"))
                .contains("routes.yaml:6:27: YAML syntax:", "quote path patterns that contain { }, as in [\"/api/orders/{id}\"]");
    }

    @Test
    void unknownKeyIsReportedWhereItIsWithTheKeyMeant() {
        assertThat(errors(BACKENDS + """
                  - id: a
                    paths: [/a]
                    stage: legacy
                    timout: 3s
                """)).contains("routes.yaml:9:5: unknown key 'timout' in a route (did you mean 'timeout'?)");
        assertThat(errors(BACKENDS.replace("defaultBackend", "defaultBackends"))).contains("routes.yaml:4:1: unknown key 'defaultBackends'");
    }

    @Test
    void unknownBackendListsTheKnownOnes() {
        assertThat(errors(BACKENDS + """
                  - id: a
                    paths: [/a]
                    backend: order
                    stage: migrated
                """)).contains("routes.yaml:8:14: backend: unknown backend 'order' (did you mean 'orders'?); write one of the keys of 'backends': legacy, orders");
    }

    @Test
    void badUrlAndMissingEnvironmentVariableAreReported() {
        assertThat(errors("""
                backends:
                  legacy: { url: "ftp://old" }
                  orders: { url: "${NOT_SET_ANYWHERE}" }
                defaultBackend: legacy
                routes: []
                """)).contains("routes.yaml:2:18: backend 'legacy' url \"ftp://old\" must start with http:// or https://")
                .contains("routes.yaml:3:18: backend 'orders': Could not resolve placeholder 'NOT_SET_ANYWHERE'")
                .contains("give a default, as in \"${LEGACY_URL:http://localhost:8081}\"");
    }

    @Test
    void duplicateIdsNameBothPlaces() {
        assertThat(errors(BACKENDS + """
                  - id: a
                    paths: [/a]
                    stage: legacy
                  - id: a
                    paths: [/b]
                    stage: legacy
                """)).contains("routes.yaml:9:5: duplicate route id 'a' (first used at routes.yaml:6:5)");
    }

    @Test
    void badPathPatternPointsAtTheColumnInThePattern() {
        String errors = errors(BACKENDS + """
                  - id: a
                    paths: ["/api/{id:[0-9]+}", /x/**/y, api, "/trailing/"]
                    stage: legacy
                """);
        assertThat(errors).contains("routes.yaml:7:19: bad path pattern \"/api/{id:[0-9]+}\": regex captures are not supported")
                .contains("routes.yaml:7:35: bad path pattern \"/x/**/y\"")
                .contains("routes.yaml:7:42: bad path pattern \"api\": a path must start with '/'")
                .contains("routes.yaml:7:57: bad path pattern \"/trailing/\": remove the trailing '/'");
    }

    @Test
    void unknownStageAndMethodSayWhatToWrite() {
        String errors = errors(BACKENDS + """
                  - id: a
                    paths: [/a]
                    methods: [get, FETCH]
                    stage: migrate
                    backend: orders
                """);
        assertThat(errors).contains("routes.yaml:8:15: unknown method 'get'; write GET")
                .contains("routes.yaml:8:20: unknown method 'FETCH'; write one of GET, HEAD, POST")
                .contains("routes.yaml:9:12: unknown stage 'migrate' (did you mean 'migrated'?); write one of legacy, shadow, canary, migrated");
    }

    @Test
    void stageSpecificFieldsMissingOrMisplaced() {
        String errors = errors(BACKENDS + """
                  - id: a
                    paths: [/a]
                    backend: orders
                    stage: canary
                  - id: b
                    paths: [/b]
                    backend: orders
                    stage: migrated
                    canary: { percent: 10, stickyBy: "header:X-User" }
                  - id: c
                    paths: [/c]
                    stage: migrated
                  - id: d
                    paths: [/d]
                    backend: orders
                    stage: canary
                    canary: { percent: 120, stickyBy: "query:user" }
                """);
        assertThat(errors).contains("routes.yaml:9:12: route 'a' at stage canary needs a canary block")
                .contains("routes.yaml:14:5: 'canary' only applies to stage canary, but this route is at stage migrated")
                .contains("routes.yaml:17:12: route 'c' at stage migrated needs 'backend'")
                .contains("canary.percent must be between 0 and 100, not 120")
                .contains("stickyBy \"query:user\" must be \"header:<Name>\" or \"cookie:<Name>\"");
    }

    @Test
    void aCanaryCannotBeStickyByAHeaderOnlyTheGatewayMaySet() {
        String errors = errors(BACKENDS + """
                  - id: a
                    paths: [/a]
                    backend: orders
                    stage: canary
                    canary: { percent: 10, stickyBy: "header:x-strangler-cohort" }
                """);
        assertThat(errors).contains("routes.yaml:10:38: stickyBy header 'x-strangler-cohort' starts with X-Strangler-, "
                + "which the gateway strips from clients; use another header, for example \"header:x-migration-cohort\"");
    }

    @Test
    void overlapThatCannotBeOrderedNamesBothRoutes() {
        String errors = errors(BACKENDS + """
                  - id: by-id
                    paths: ["/api/orders/{id}"]
                    stage: legacy
                  - id: by-star
                    paths: [/api/orders/*]
                    methods: [GET]
                    stage: legacy
                  - id: by-number
                    paths: ["/api/orders/{number}"]
                    stage: legacy
                """);
        assertThat(errors).contains("routes.yaml:13:5: routes 'by-id' (routes.yaml:6:5) and 'by-number' both match \"/api/orders/{id}\" / \"/api/orders/{number}\"");
        assertThat(errors).doesNotContain("'by-star'");
    }

    @Test
    void disjointMethodsNeverOverlap() {
        ParseResult result = parse(BACKENDS + """
                  - id: reads
                    paths: [/api/orders/**]
                    methods: [GET]
                    backend: orders
                    stage: migrated
                  - id: writes
                    paths: [/api/orders/**]
                    methods: [POST, PUT]
                    stage: legacy
                """);
        assertThat(result.errors()).isEmpty();
    }

    @Test
    void shadowWithWritesIsAWarningNotAnError() {
        ParseResult result = parse(BACKENDS + """
                  - id: a
                    paths: [/a]
                    backend: orders
                    stage: shadow
                    shadow: { percent: 10, allowWrites: true }
                """);
        assertThat(result.ok()).isTrue();
        assertThat(result.warnings()).singleElement().asString().contains("routes.yaml:10:41: warning:", "X-Strangler-Shadow");
    }

    @Test
    void everyErrorOfAFileIsReportedInOnePass() {
        ParseResult result = parse(BACKENDS + """
                  - id: A
                    paths: [/a]
                    stage: legacy
                  - id: b
                    paths: [/b]
                    stage: nope
                    timeout: soon
                """);
        assertThat(result.errors()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(result.errors().toString()).contains("route id 'A'", "unknown stage 'nope'", "timeout \"soon\" is not a duration");
    }
}
