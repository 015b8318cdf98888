package dev.strangler.gateway.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.strangler.gateway.routes.Backend;
import dev.strangler.gateway.routes.MigrationTable;
import dev.strangler.gateway.routes.RoutePattern;
import dev.strangler.gateway.routes.RoutePattern.Segment;
import dev.strangler.gateway.routes.RouteSpec;

/**
 * The migration table compiled for lookup: a tree over path segments, so that resolving a request
 * walks the request's own segments instead of scanning every route. Immutable; a reload builds a new one.
 */
public final class RouteTable {

    private final MigrationTable source;
    private final Node root = new Node();
    private final CompiledRoute defaultRoute;
    private final Map<String, CompiledRoute> byId;

    private RouteTable(MigrationTable source) {
        this.source = source;
        Backend legacy = source.backend(source.defaultBackend());
        this.defaultRoute = CompiledRoute.defaultRoute(legacy);
        this.byId = new HashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (RouteSpec spec : source.routes()) {
            Backend target = spec.backend() == null ? legacy : source.backend(spec.backend());
            String fallback = spec.resilience().fallback();
            CompiledRoute route = new CompiledRoute(spec.id(), spec, legacy, target, fallback == null ? null : source.backend(fallback));
            byId.put(spec.id(), route);
            for (String path : spec.paths()) {
                entries.add(new Entry(route, parse(path), entries.size()));
            }
        }
        // The rank is the position in specificity order; a lookup keeps the lowest-ranked match.
        entries.sort(Comparator.<Entry, RoutePattern>comparing(Entry::pattern, RoutePattern::compareSpecificity)
                .thenComparing(e -> e.route.methods().isEmpty())
                .thenComparingInt(Entry::declared));
        for (int rank = 0; rank < entries.size(); rank++) {
            insert(entries.get(rank).withRank(rank));
        }
        root.freeze();
    }

    public static RouteTable compile(MigrationTable table) {
        return new RouteTable(table);
    }

    public MigrationTable source() {
        return source;
    }

    public CompiledRoute defaultRoute() {
        return defaultRoute;
    }

    public CompiledRoute route(String id) {
        return id.equals(CompiledRoute.DEFAULT_ID) ? defaultRoute : byId.get(id);
    }

    /** The most specific route serving this method and path, or the default route. */
    public Match resolve(String method, RequestPath path) {
        Entry best = find(root, path.segments(), 0, method, null);
        return best == null ? new Match(defaultRoute, null) : new Match(best.route, best.pattern.text());
    }

    /** The route chosen, and the pattern of it that matched (null for the default route). */
    public record Match(CompiledRoute route, String pattern) {
    }

    private static Entry find(Node node, String[] segments, int i, String method, Entry best) {
        best = better(best, node.catchAll, method);
        if (i == segments.length) {
            return better(best, node.exact, method);
        }
        String segment = segments[i];
        Node literal = node.literals.get(segment);
        if (literal != null) {
            best = find(literal, segments, i + 1, method, best);
        }
        for (int p = 0; p < node.partials.length; p++) {
            if (node.partials[p].matches(segment)) {
                best = find(node.partialChildren[p], segments, i + 1, method, best);
            }
        }
        if (node.any != null) {
            best = find(node.any, segments, i + 1, method, best);
        }
        return best;
    }

    private static Entry better(Entry best, Entry[] candidates, String method) {
        for (Entry e : candidates) {
            if (best != null && best.rank < e.rank) {
                return best;
            }
            if (e.route.spec().serves(method)) {
                return e;
            }
        }
        return best;
    }

    private void insert(Entry entry) {
        Node node = root;
        for (Segment s : entry.pattern.segments()) {
            switch (s.kind()) {
                case LITERAL -> node = node.literalsBuilding.computeIfAbsent(s.text(), k -> new Node());
                case PARTIAL -> node = node.partialChild(s);
                case VARIABLE, WILDCARD -> node = node.anyChild();
                case CATCH_ALL -> {
                    node.catchAllBuilding.add(entry);
                    return;
                }
                case END -> throw new IllegalStateException("END is not a pattern segment");
            }
        }
        node.exactBuilding.add(entry);
    }

    private static RoutePattern parse(String path) {
        try {
            return RoutePattern.parse(path);
        }
        catch (RoutePattern.InvalidPatternException e) {
            throw new IllegalArgumentException("a validated table holds only valid patterns: " + path, e);
        }
    }

    private record Entry(CompiledRoute route, RoutePattern pattern, int declared, int rank) {
        Entry(CompiledRoute route, RoutePattern pattern, int declared) {
            this(route, pattern, declared, -1);
        }

        Entry withRank(int rank) {
            return new Entry(route, pattern, declared, rank);
        }
    }

    /** A tree node; built with lists, then frozen into arrays that the lookup reads without allocating. */
    private static final class Node {
        private final Map<String, Node> literalsBuilding = new HashMap<>();
        private final List<Segment> partialsBuilding = new ArrayList<>();
        private final List<Node> partialChildrenBuilding = new ArrayList<>();
        private final List<Entry> exactBuilding = new ArrayList<>();
        private final List<Entry> catchAllBuilding = new ArrayList<>();

        private Map<String, Node> literals;
        private Segment[] partials;
        private Node[] partialChildren;
        private Node any;
        private Entry[] exact;
        private Entry[] catchAll;

        Node partialChild(Segment s) {
            for (int i = 0; i < partialsBuilding.size(); i++) {
                if (partialsBuilding.get(i).text().equals(s.text())) {
                    return partialChildrenBuilding.get(i);
                }
            }
            Node child = new Node();
            partialsBuilding.add(s);
            partialChildrenBuilding.add(child);
            return child;
        }

        Node anyChild() {
            if (any == null) {
                any = new Node();
            }
            return any;
        }

        void freeze() {
            literals = Map.copyOf(literalsBuilding);
            partials = partialsBuilding.toArray(new Segment[0]);
            partialChildren = partialChildrenBuilding.toArray(new Node[0]);
            exact = exactBuilding.stream().sorted(Comparator.comparingInt(Entry::rank)).toArray(Entry[]::new);
            catchAll = catchAllBuilding.stream().sorted(Comparator.comparingInt(Entry::rank)).toArray(Entry[]::new);
            literals.values().forEach(Node::freeze);
            partialChildren = partialChildrenBuilding.toArray(new Node[0]);
            for (Node child : partialChildren) {
                child.freeze();
            }
            if (any != null) {
                any.freeze();
            }
        }
    }
}
