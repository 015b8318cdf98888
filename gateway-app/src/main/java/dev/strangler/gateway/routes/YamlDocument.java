package dev.strangler.gateway.routes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.springframework.boot.convert.DurationStyle;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Typed, located reads from a SnakeYAML node tree. Every read that fails records a diagnostic at the
 * node's own line and column and returns null, so that one pass reports every mistake in the file.
 */
final class YamlDocument {

    private static final Duration MAX_DURATION = Duration.ofMinutes(10);

    private final String file;
    private final List<Diagnostic> diagnostics = new ArrayList<>();

    YamlDocument(String file) {
        this.file = file;
    }

    List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    SourceLocation at(Node node) {
        return new SourceLocation(file, node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1);
    }

    SourceLocation at(Node node, int offsetInScalar) {
        SourceLocation base = at(node);
        boolean quoted = node instanceof ScalarNode s && s.getScalarStyle() != org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN;
        return new SourceLocation(file, base.line(), base.column() + offsetInScalar + (quoted ? 1 : 0));
    }

    void error(Node node, String message) {
        diagnostics.add(Diagnostic.error(at(node), message));
    }

    void error(SourceLocation location, String message) {
        diagnostics.add(Diagnostic.error(location, message));
    }

    void warning(Node node, String message) {
        diagnostics.add(Diagnostic.warning(at(node), message));
    }

    /**
     * The entries of a mapping, keyed by name, after checking that every key is allowed and appears once.
     */
    Map<String, NodeTuple> mapping(Node node, String what, Set<String> allowed) {
        if (!(node instanceof MappingNode mapping)) {
            error(node, what + " must be a mapping of keys to values, for example \"key: value\" on its own lines");
            return null;
        }
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode key)) {
                error(keyNode, "keys of " + what + " must be plain names");
                continue;
            }
            String name = key.getValue();
            if (allowed != null && !allowed.contains(name)) {
                error(keyNode, "unknown key '" + name + "' in " + what + suggestion(name, allowed)
                        + "; allowed keys: " + String.join(", ", allowed));
                continue;
            }
            if (entries.containsKey(name)) {
                error(keyNode, "duplicate key '" + name + "' in " + what + "; keep only one");
                continue;
            }
            entries.put(name, tuple);
        }
        return entries;
    }

    String string(Node node, String what) {
        if (node instanceof ScalarNode scalar && !Tag.NULL.equals(scalar.getTag())) {
            return scalar.getValue();
        }
        error(node, what + " must be a single value, for example " + what + ": \"...\"");
        return null;
    }

    Long integer(Node node, String what, long min, long max) {
        String text = string(node, what);
        if (text == null) {
            return null;
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value < min || value > max) {
                error(node, what + " must be between " + min + " and " + max + ", not " + value);
                return null;
            }
            return value;
        }
        catch (NumberFormatException e) {
            error(node, what + " must be a whole number between " + min + " and " + max + ", not \"" + text + "\"");
            return null;
        }
    }

    Double number(Node node, String what, double min, double max) {
        String text = string(node, what);
        if (text == null) {
            return null;
        }
        try {
            double value = Double.parseDouble(text.trim());
            if (!(value >= min && value <= max)) {
                error(node, what + " must be between " + fmt(min) + " and " + fmt(max) + ", not " + text);
                return null;
            }
            return value;
        }
        catch (NumberFormatException e) {
            error(node, what + " must be a number between " + fmt(min) + " and " + fmt(max) + ", not \"" + text + "\"");
            return null;
        }
    }

    Boolean bool(Node node, String what) {
        String text = string(node, what);
        if (text == null) {
            return null;
        }
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                error(node, what + " must be true or false, not \"" + text + "\"");
                yield null;
            }
        };
    }

    /** A list of scalars; a single scalar is accepted as a list of one. */
    List<Node> list(Node node, String what) {
        if (node instanceof SequenceNode seq) {
            return seq.getValue();
        }
        if (node instanceof ScalarNode scalar && !Tag.NULL.equals(scalar.getTag())) {
            return List.of(node);
        }
        error(node, what + " must be a list, for example " + what + ": [a, b]");
        return null;
    }

    /** A positive duration with a unit, at most 10 minutes: longer is a mistake for any timeout in this file. */
    Duration duration(Node node, String what) {
        String text = string(node, what);
        if (text == null) {
            return null;
        }
        try {
            if (text.isEmpty() || !Character.isLetter(text.charAt(text.length() - 1))) {
                throw new IllegalArgumentException("a duration needs a unit");
            }
            Duration d = DurationStyle.SIMPLE.parse(text);
            if (d.isZero() || d.isNegative() || d.compareTo(MAX_DURATION) > 0) {
                error(node, what + " must be above 0 and at most 10m, not " + text);
                return null;
            }
            return d;
        }
        catch (IllegalArgumentException e) {
            error(node, what + " \"" + text + "\" is not a duration; write a number with a unit: 500ms, 3s or 1m");
            return null;
        }
    }

    /** The value under {@code key}, or {@code fallback} when the key is absent or its value is wrong (already reported). */
    <T> T optional(Map<String, NodeTuple> map, String key, T fallback, Function<Node, T> read) {
        NodeTuple t = map.get(key);
        if (t == null) {
            return fallback;
        }
        T value = read.apply(t.getValueNode());
        return value == null ? fallback : value;
    }

    /** The value under {@code key}; when the key is absent, {@code missing} is reported at {@code owner}. */
    <T> T required(Map<String, NodeTuple> map, String key, Node owner, String missing, Function<Node, T> read) {
        NodeTuple t = map.get(key);
        if (t == null) {
            error(owner, missing);
            return null;
        }
        return read.apply(t.getValueNode());
    }

    int errorCount() {
        return (int) diagnostics.stream().filter(Diagnostic::isError).count();
    }

    boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    /** An insertion-ordered set, so that error messages list allowed values in the order the docs do. */
    static Set<String> orderedSet(String... values) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(values)));
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    /** Names the closest allowed key when the typo is small, since that is nearly always what was meant. */
    static String suggestion(String name, Set<String> allowed) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : allowed) {
            int d = editDistance(name.toLowerCase(), candidate.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best != null && bestDistance <= Math.max(2, name.length() / 3) ? " (did you mean '" + best + "'?)" : "";
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
