package dev.strangler.gateway.routes;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

/**
 * A path pattern of routes.yaml, split into segments ranked for specificity.
 * The syntax is Spring's PathPattern without regex captures; partial segments such as {@code *.json}
 * are compiled to a regex here, once per reload, never per request.
 */
public record RoutePattern(String text, List<Segment> segments) {

    /** Ranks, most specific first; END marks where a pattern stops, so that an exact path beats its {@code /**} twin. */
    public enum Kind { LITERAL, PARTIAL, VARIABLE, WILDCARD, END, CATCH_ALL }

    public record Segment(Kind kind, String text, Pattern partial) {

        public boolean matches(String decoded) {
            return switch (kind) {
                case LITERAL -> text.equals(decoded);
                case PARTIAL -> partial.matcher(decoded).matches();
                case VARIABLE, WILDCARD -> true;
                case END, CATCH_ALL -> false;
            };
        }
    }

    private static final PathPatternParser SYNTAX = new PathPatternParser();
    private static final Pattern VARIABLE = Pattern.compile("\\{[A-Za-z_][A-Za-z0-9_]*}");
    private static final Pattern CATCH_ALL_VARIABLE = Pattern.compile("\\{\\*[A-Za-z_][A-Za-z0-9_]*}");

    /** Thrown with the 0-based offset in the pattern text where the problem is. */
    public static final class InvalidPatternException extends Exception {
        private final int offset;

        InvalidPatternException(int offset, String message) {
            super(message);
            this.offset = offset;
        }

        public int offset() {
            return offset;
        }
    }

    public static RoutePattern parse(String text) throws InvalidPatternException {
        if (text.isEmpty() || text.charAt(0) != '/') {
            throw new InvalidPatternException(0, "a path must start with '/', for example \"/" + text + "\"");
        }
        try {
            SYNTAX.parse(text);
        }
        catch (PatternParseException e) {
            throw new InvalidPatternException(e.getPosition(), e.getMessage()
                    + "; write literal segments, {name}, *, or a final ** (Spring PathPattern syntax)");
        }
        List<Segment> segments = new ArrayList<>();
        if (text.equals("/")) {
            return new RoutePattern(text, List.of());
        }
        if (text.endsWith("/")) {
            throw new InvalidPatternException(text.length() - 1,
                    "remove the trailing '/': requests are matched without it, write \"" + text.substring(0, text.length() - 1) + "\"");
        }
        int offset = 1;
        String[] parts = text.substring(1).split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            boolean last = i == parts.length - 1;
            if (part.isEmpty()) {
                throw new InvalidPatternException(offset, "empty segment ('//'): requests are matched with repeated slashes collapsed, write a single '/'");
            }
            segments.add(segment(part, last, offset));
            offset += part.length() + 1;
        }
        return new RoutePattern(text, List.copyOf(segments));
    }

    private static Segment segment(String part, boolean last, int offset) throws InvalidPatternException {
        if (part.contains(":") && part.contains("{")) {
            throw new InvalidPatternException(offset, "regex captures are not supported: write {name} or * instead of \"" + part + "\"");
        }
        if (part.equals("**") || CATCH_ALL_VARIABLE.matcher(part).matches()) {
            if (!last) {
                throw new InvalidPatternException(offset, "\"" + part + "\" may only be the last segment");
            }
            return new Segment(Kind.CATCH_ALL, "**", null);
        }
        if (part.contains("**")) {
            throw new InvalidPatternException(offset, "\"**\" must be a whole segment, for example \"/api/**\"");
        }
        if (part.equals("*")) {
            return new Segment(Kind.WILDCARD, "*", null);
        }
        if (VARIABLE.matcher(part).matches()) {
            return new Segment(Kind.VARIABLE, "{}", null);
        }
        if (part.indexOf('*') >= 0 || part.indexOf('?') >= 0 || part.indexOf('{') >= 0) {
            return new Segment(Kind.PARTIAL, part, Pattern.compile(toRegex(part)));
        }
        return new Segment(Kind.LITERAL, part, null);
    }

    private static String toRegex(String part) {
        StringBuilder regex = new StringBuilder();
        var variables = VARIABLE.matcher(part);
        int i = 0;
        while (i < part.length()) {
            char c = part.charAt(i);
            if (c == '{' && variables.find(i) && variables.start() == i) {
                regex.append(".+?");
                i = variables.end();
                continue;
            }
            if (c == '*') {
                regex.append(".*");
            }
            else if (c == '?') {
                regex.append('.');
            }
            else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
            i++;
        }
        return regex.toString();
    }

    /**
     * The shape used to find ties: two patterns with the same shape match exactly the same paths.
     */
    public String shape() {
        StringBuilder sb = new StringBuilder();
        for (Segment s : segments) {
            sb.append('/').append(s.kind() == Kind.LITERAL || s.kind() == Kind.PARTIAL ? s.text() : s.kind().name());
        }
        return sb.length() == 0 ? "/" : sb.toString();
    }

    /**
     * Orders patterns most specific first: segment by segment from the left, a literal beats a partial
     * segment, which beats {var}, which beats *, which beats **. A pattern that ends where the other
     * continues with ** wins, because it names that path exactly.
     */
    public static int compareSpecificity(RoutePattern a, RoutePattern b) {
        int n = Math.max(a.segments.size(), b.segments.size()) + 1;
        for (int i = 0; i < n; i++) {
            Segment x = a.segmentOrEnd(i);
            Segment y = b.segmentOrEnd(i);
            int byKind = x.kind().compareTo(y.kind());
            if (byKind != 0) {
                return byKind;
            }
            if (x.kind() == Kind.END || x.kind() == Kind.CATCH_ALL) {
                return 0;
            }
            if (x.kind() == Kind.LITERAL || x.kind() == Kind.PARTIAL) {
                int byText = x.text().compareTo(y.text());
                if (byText != 0) {
                    return byText;
                }
            }
        }
        return 0;
    }

    private static final Segment END = new Segment(Kind.END, "", null);

    private Segment segmentOrEnd(int i) {
        return i < segments.size() ? segments.get(i) : END;
    }

    /** The leading literal part, such as "/api/orders" for "/api/orders/{id}". */
    public String literalPrefix() {
        StringBuilder sb = new StringBuilder();
        for (Segment s : segments) {
            if (s.kind() != Kind.LITERAL) {
                break;
            }
            sb.append('/').append(s.text());
        }
        return sb.length() == 0 ? "/" : sb.toString();
    }

    /** Whether this pattern matches the given decoded path segments (used by --explain, not by the lookup). */
    public boolean matches(List<String> path) {
        int i = 0;
        for (Segment s : segments) {
            if (s.kind() == Kind.CATCH_ALL) {
                return true;
            }
            if (i >= path.size() || !s.matches(path.get(i))) {
                return false;
            }
            i++;
        }
        return i == path.size();
    }
}
