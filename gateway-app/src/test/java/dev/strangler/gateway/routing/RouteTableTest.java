package dev.strangler.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.strangler.gateway.routes.ParseResult;
import dev.strangler.gateway.routes.RoutesParser;

/** The specificity rule of ARCHITECTURE.md, on the compiled lookup the gateway uses for every request. */
class RouteTableTest {

    static RouteTable table(String routes) {
        String yaml = """
                backends:
                  legacy: { url: "http://legacy:8081" }
                  orders: { url: "http://orders:8082" }
                defaultBackend: legacy
                routes:
                """ + routes;
        ParseResult result = new RoutesParser(Map.<String, String>of()::get, Clock.systemUTC())
                .parse("routes.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        assertThat(result.errors()).isEmpty();
        return RouteTable.compile(result.table());
    }

    static String resolve(RouteTable table, String method, String path) throws Exception {
        return table.resolve(method, PathNormalizer.normalize(path)).route().id();
    }

    /** A legacy route; patterns are quoted, as {var} inside a YAML flow list must be. */
    static String route(String id, String paths) {
        String quoted = paths.replaceAll("([\\[,]\\s*)(/[^,\\]]*)", "$1\"$2\"");
        return "  - id: " + id + "\n    paths: " + quoted + "\n    stage: legacy\n";
    }

    @Test
    void literalBeatsVariableBeatsWildcardBeatsCatchAll() throws Exception {
        RouteTable t = table(route("lit", "[/api/orders/report]") + route("var", "[/api/orders/{id}]")
                + route("star", "[/api/*/report]") + route("all", "[/api/**]"));
        assertThat(resolve(t, "GET", "/api/orders/report")).isEqualTo("lit");
        assertThat(resolve(t, "GET", "/api/orders/42")).isEqualTo("var");
        assertThat(resolve(t, "GET", "/api/customers/report")).isEqualTo("star");
        assertThat(resolve(t, "GET", "/api/customers/42")).isEqualTo("all");
        assertThat(resolve(t, "GET", "/api")).isEqualTo("all");
        assertThat(resolve(t, "GET", "/other")).isEqualTo("default");
    }

    @Test
    void firstDifferingSegmentDecidesNotTheLength() throws Exception {
        RouteTable t = table(route("early-literal", "[/api/orders/**]") + route("late-literal", "[/api/{x}/items/detail]"));
        assertThat(resolve(t, "GET", "/api/orders/items/detail")).isEqualTo("early-literal");
    }

    @Test
    void longerPatternWinsWhenOneExtendsTheOtherAndExactPathBeatsItsCatchAll() throws Exception {
        RouteTable t = table(route("short", "[/api/orders/**]") + route("long", "[/api/orders/archive/**]")
                + route("exact", "[/api/orders]"));
        assertThat(resolve(t, "GET", "/api/orders/archive/2020")).isEqualTo("long");
        assertThat(resolve(t, "GET", "/api/orders/7")).isEqualTo("short");
        assertThat(resolve(t, "GET", "/api/orders")).isEqualTo("exact");
    }

    @Test
    void methodRestrictedRouteBeatsOpenRouteOnTheSamePathAndHeadFollowsGet() throws Exception {
        RouteTable t = table(route("open", "[/api/orders/**]")
                + "  - id: reads\n    paths: [/api/orders/**]\n    methods: [GET]\n    stage: legacy\n");
        assertThat(resolve(t, "GET", "/api/orders/1")).isEqualTo("reads");
        assertThat(resolve(t, "HEAD", "/api/orders/1")).isEqualTo("reads");
        assertThat(resolve(t, "POST", "/api/orders/1")).isEqualTo("open");
    }

    @Test
    void routeServingOtherMethodsDoesNotHideALessSpecificOne() throws Exception {
        RouteTable t = table("  - id: cancel\n    paths: [\"/api/orders/{id}/cancel\"]\n    methods: [POST]\n    stage: legacy\n"
                + route("orders", "[/api/orders/**]"));
        assertThat(resolve(t, "POST", "/api/orders/1/cancel")).isEqualTo("cancel");
        assertThat(resolve(t, "GET", "/api/orders/1/cancel")).isEqualTo("orders");
    }

    @Test
    void partialSegmentsMatchAndRankBetweenLiteralAndVariable() throws Exception {
        RouteTable t = table(route("json", "[/files/*.json]") + route("any", "[/files/{name}]") + route("v", "[/v?/status]"));
        assertThat(resolve(t, "GET", "/files/a.json")).isEqualTo("json");
        assertThat(resolve(t, "GET", "/files/a.xml")).isEqualTo("any");
        assertThat(resolve(t, "GET", "/v2/status")).isEqualTo("v");
        assertThat(resolve(t, "GET", "/v10/status")).isEqualTo("default");
    }

    @Test
    void matchingIsOnDecodedSegments() throws Exception {
        RouteTable t = table(route("spaced", "[/api/my orders]"));
        assertThat(resolve(t, "GET", "/api/my%20orders")).isEqualTo("spaced");
    }

    @Test
    void lookupStaysCorrectInALargeTable() throws Exception {
        StringBuilder routes = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            routes.append(route("r" + i, "[/svc" + i + "/{id}, /svc" + i + "/items/**]"));
        }
        RouteTable t = table(routes.toString());
        assertThat(resolve(t, "GET", "/svc0/1")).isEqualTo("r0");
        assertThat(resolve(t, "GET", "/svc4999/items/a/b")).isEqualTo("r4999");
        assertThat(resolve(t, "GET", "/svc5000/1")).isEqualTo("default");
    }
}
