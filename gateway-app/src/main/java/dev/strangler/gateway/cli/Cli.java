package dev.strangler.gateway.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import dev.strangler.gateway.routes.Diagnostic;
import dev.strangler.gateway.routes.MigrationTable;
import dev.strangler.gateway.routes.ParseResult;
import dev.strangler.gateway.routes.RoutePattern;
import dev.strangler.gateway.routes.RouteSpec;
import dev.strangler.gateway.routes.RoutesLoader;
import dev.strangler.gateway.routes.RoutesParser;
import dev.strangler.gateway.routes.Stage;
import dev.strangler.gateway.routing.CompiledRoute;
import dev.strangler.gateway.routing.PathNormalizer;
import dev.strangler.gateway.routing.RequestPath;
import dev.strangler.gateway.routing.RouteTable;
import dev.strangler.gateway.routing.RoutingDecision;

/**
 * The commands that check a routes file without starting a server:
 * {@code --validate FILE} (for CI, before a change is applied) and {@code --explain FILE METHOD PATH}.
 */
public final class Cli {

    private final PrintStream out;
    private final PrintStream err;
    private final RoutesLoader loader = new RoutesLoader(RoutesParser.withSystemEnvironment());

    public Cli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static boolean handles(String[] args) {
        return args.length > 0 && (args[0].equals("--validate") || args[0].equals("--explain"));
    }

    /** Returns the process exit code: 0 valid, 1 invalid, 2 wrong usage. */
    public int run(String[] args) {
        if (args[0].equals("--validate") && args.length == 2) {
            return validate(Path.of(args[1]));
        }
        if (args[0].equals("--explain") && args.length == 4) {
            return explain(Path.of(args[1]), args[2].toUpperCase(Locale.ROOT), args[3]);
        }
        err.println("usage: java -jar gateway-app.jar --validate FILE");
        err.println("       java -jar gateway-app.jar --explain FILE METHOD PATH");
        return 2;
    }

    private ParseResult load(Path file) {
        if (!Files.isRegularFile(file)) {
            err.println(file + ": no such file");
            return null;
        }
        try {
            ParseResult result = loader.load(file);
            result.diagnostics().forEach(d -> (d.isError() ? err : out).println(d));
            return result;
        }
        catch (IOException e) {
            err.println(file + ": cannot read (" + e.getMessage() + ")");
            return null;
        }
    }

    private int validate(Path file) {
        ParseResult result = load(file);
        if (result == null) {
            return 1;
        }
        if (!result.ok()) {
            err.println("INVALID: " + result.errors().size() + " error(s)");
            return 1;
        }
        out.println("OK: " + result.table().routes().size() + " routes");
        return 0;
    }

    private int explain(Path file, String method, String rawPath) {
        ParseResult result = load(file);
        if (result == null || !result.ok()) {
            err.println("INVALID: fix the errors above first");
            return 1;
        }
        RequestPath path;
        try {
            String pathOnly = rawPath.contains("?") ? rawPath.substring(0, rawPath.indexOf('?')) : rawPath;
            path = PathNormalizer.normalize(pathOnly);
        }
        catch (PathNormalizer.RejectedPathException e) {
            out.println(method + " " + rawPath);
            out.println("  rejected with 400: " + e.getMessage());
            return 0;
        }
        MigrationTable table = result.table();
        RouteTable compiled = RouteTable.compile(table);
        RouteTable.Match match = compiled.resolve(method, path);
        CompiledRoute route = match.route();
        out.println(method + " " + rawPath);
        out.println("  normalized path: " + path.raw());
        if (route.spec() == null) {
            out.println("  route: default (no route matches; unmatched requests go to defaultBackend)");
        }
        else {
            out.println("  route: " + route.id() + " (" + route.spec().location() + "), stage " + route.stage().name()
                    + ", pattern " + match.pattern());
        }
        boolean toNew = route.stage() instanceof Stage.Migrated;
        var decision = new RoutingDecision(route, match.pattern(), toNew ? route.target() : route.legacy(), toNew, null, null, null);
        out.println("  backend: " + decision.backend().name() + " -> " + decision.backend().base() + decision.forwardPath(path));
        if (route.stage() instanceof Stage.Canary c) {
            out.println("  canary: " + c.canary().percent() + "% of " + c.canary().sticky() + " keys go to "
                    + route.target().name() + ", the rest to " + route.legacy().name());
        }
        else if (route.stage() instanceof Stage.Shadow s) {
            out.println("  shadow: " + s.shadow().percent() + "% of " + (s.shadow().allowWrites() ? "requests" : "GET/HEAD requests")
                    + " copied to " + route.target().name());
        }
        List<Candidate> losers = new ArrayList<>();
        List<String> segments = Arrays.asList(path.segments());
        for (RouteSpec spec : table.routes()) {
            for (String p : spec.paths()) {
                RoutePattern pattern = parse(p);
                if (pattern.matches(segments) && !(route.spec() == spec && p.equals(match.pattern()))) {
                    losers.add(new Candidate(spec, pattern));
                }
            }
        }
        if (losers.isEmpty()) {
            out.println("  why: no other route matches this path");
            return 0;
        }
        RoutePattern winner = match.pattern() == null ? null : parse(match.pattern());
        losers.sort(Comparator.comparing(Candidate::pattern, RoutePattern::compareSpecificity));
        out.println("  why: it beats the other routes that match:");
        for (Candidate c : losers) {
            out.println("    - " + c.spec.id() + " (" + c.pattern.text() + "): " + reason(route, winner, c, method));
        }
        return 0;
    }

    private static String reason(CompiledRoute route, RoutePattern winner, Candidate loser, String method) {
        if (!loser.spec.serves(method)) {
            return "it does not serve " + method + " (methods " + loser.spec.methods() + ")";
        }
        if (route.spec() == loser.spec) {
            return "same route, less specific pattern";
        }
        int n = Math.max(winner.segments().size(), loser.pattern.segments().size());
        for (int i = 0; i < n; i++) {
            var a = i < winner.segments().size() ? winner.segments().get(i) : null;
            var b = i < loser.pattern.segments().size() ? loser.pattern.segments().get(i) : null;
            if (a == null || b == null) {
                return a == null ? "this path ends at segment " + (i + 1) + ", which names it exactly; " + loser.pattern.text()
                        + " only matches it through **" : "longer pattern";
            }
            if (a.kind() != b.kind()) {
                return "at segment " + (i + 1) + ", " + describe(a) + " beats " + describe(b);
            }
        }
        return "same pattern; a route restricted to methods " + route.methods() + " beats one open to all methods";
    }

    private static String describe(RoutePattern.Segment s) {
        return switch (s.kind()) {
            case LITERAL -> "literal \"" + s.text() + "\"";
            case PARTIAL -> "partial \"" + s.text() + "\"";
            case VARIABLE -> "{variable}";
            case WILDCARD -> "*";
            default -> "**";
        };
    }

    private static RoutePattern parse(String p) {
        try {
            return RoutePattern.parse(p);
        }
        catch (RoutePattern.InvalidPatternException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Candidate(RouteSpec spec, RoutePattern pattern) {
    }
}
