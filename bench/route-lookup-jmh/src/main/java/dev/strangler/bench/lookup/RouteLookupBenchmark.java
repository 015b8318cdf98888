package dev.strangler.bench.lookup;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.strangler.bench.RoutesYaml;
import dev.strangler.gateway.routes.ParseResult;
import dev.strangler.gateway.routes.RoutesParser;
import dev.strangler.gateway.routing.PathNormalizer;
import dev.strangler.gateway.routing.PathNormalizer.RejectedPathException;
import dev.strangler.gateway.routing.RequestPath;
import dev.strangler.gateway.routing.RouteTable;

/**
 * The gateway's per-request route lookup alone, on the same generated tables as the HTTP benchmark
 * (route i serves /api/svc{i}/orders and /api/svc{i}/orders/**). A lookup that does not scan the routes costs the
 * same at 1 and at 10,000 routes; a linear scan grows with {@code routes} on the last-declared route.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
public class RouteLookupBenchmark {

    @Param({"1", "10", "100", "1000", "10000"})
    public int routes;

    private RouteTable table;
    private String lastRoutePath;
    private RequestPath lastRoute;
    private RequestPath firstRoute;
    private RequestPath unmatched;

    @Setup(Level.Trial)
    public void compileTable() throws RejectedPathException {
        String yaml = RoutesYaml.gateway(routes, "http://127.0.0.1:18082", "http://127.0.0.1:18081");
        ParseResult parsed = new RoutesParser(name -> null, Clock.systemUTC())
                .parse("routes.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        if (!parsed.ok()) {
            throw new IllegalStateException("the generated table is invalid: " + parsed.errors());
        }
        table = RouteTable.compile(parsed.table());
        lastRoutePath = RoutesYaml.lastRoutePath(routes);
        lastRoute = PathNormalizer.normalize(lastRoutePath);
        firstRoute = PathNormalizer.normalize(RoutesYaml.lastRoutePath(1));
        unmatched = PathNormalizer.normalize("/static/app/main.js");
        expect(lastRoute, RoutesYaml.routeId(routes - 1));
        expect(firstRoute, RoutesYaml.routeId(0));
        expect(unmatched, table.defaultRoute().id());
    }

    private void expect(RequestPath path, String routeId) {
        String chosen = table.resolve("GET", path).route().id();
        if (!chosen.equals(routeId)) {
            throw new IllegalStateException(path.raw() + " resolved to " + chosen + ", expected " + routeId);
        }
    }

    /** The figure that matters: the last-declared route, the worst case for a scan. */
    @Benchmark
    public RouteTable.Match resolveLastRoute() {
        return table.resolve("GET", lastRoute);
    }

    @Benchmark
    public RouteTable.Match resolveFirstRoute() {
        return table.resolve("GET", firstRoute);
    }

    /** A path no route matches: the default backend. */
    @Benchmark
    public RouteTable.Match resolveUnmatched() {
        return table.resolve("GET", unmatched);
    }

    /** What each request pays in total: normalizing the raw path, then the lookup. */
    @Benchmark
    public RouteTable.Match normalizeAndResolveLastRoute() throws RejectedPathException {
        return table.resolve("GET", PathNormalizer.normalize(lastRoutePath));
    }
}
