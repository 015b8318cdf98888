package dev.strangler.system.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the relative links of Markdown files that point nowhere: a file that does not exist, or a {@code #anchor} that
 * no heading of the target file produces. Anchors are made the way GitHub makes them for headings (lower case, every
 * character but letters, digits, spaces, '-' and '_' dropped, spaces to '-', a repeated heading suffixed -1, -2...).
 * Links to other sites are not followed; text in code spans and fenced blocks is not a link.
 */
final class MarkdownLinks {

    private static final Pattern FENCE = Pattern.compile("^\\s{0,3}(`{3,}|~{3,})");
    private static final Pattern HEADING = Pattern.compile("^\\s{0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
    /** [text](target) and ![alt](target), the target up to a space (then a title) or the closing parenthesis. */
    private static final Pattern INLINE_LINK = Pattern.compile("!?\\[(?:[^\\]\\\\]|\\\\.)*\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+[\"'(][^)]*)?\\)");
    private static final Pattern REFERENCE_DEFINITION = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s+.*)?$");
    private static final Pattern HTML_ID = Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

    private final Path root;
    private final Map<Path, Set<String>> anchorsByFile = new HashMap<>();

    /** @param root the repository root; a link must not leave it */
    MarkdownLinks(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** Every broken relative link of the file, as {@code file:line: message} with the file relative to the root. */
    List<String> brokenLinks(Path file) {
        Path source = file.toAbsolutePath().normalize();
        List<String> problems = new ArrayList<>();
        for (ProseLine line : prose(source)) {
            String text = CODE_SPAN.matcher(line.text()).replaceAll("");
            List<String> targets = new ArrayList<>();
            Matcher inline = INLINE_LINK.matcher(text);
            while (inline.find()) {
                targets.add(inline.group(1));
            }
            Matcher definition = REFERENCE_DEFINITION.matcher(text);
            if (definition.matches()) {
                targets.add(definition.group(1));
            }
            for (String target : targets) {
                String problem = check(source, target);
                if (problem != null) {
                    problems.add(root.relativize(source) + ":" + line.number() + ": " + problem);
                }
            }
        }
        return problems;
    }

    private String check(Path source, String target) {
        if (target.isEmpty()) {
            return "a link with no target";
        }
        if (SCHEME.matcher(target).find() || target.startsWith("//")) {
            return null;
        }
        int hash = target.indexOf('#');
        String pathPart = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : URLDecoder.decode(target.substring(hash + 1), StandardCharsets.UTF_8);
        int query = pathPart.indexOf('?');
        if (query >= 0) {
            pathPart = pathPart.substring(0, query);
        }
        Path resolved = pathPart.isEmpty() ? source
                : (pathPart.startsWith("/") ? root.resolve(pathPart.substring(1)) : source.getParent().resolve(
                        URLDecoder.decode(pathPart, StandardCharsets.UTF_8))).normalize();
        if (!resolved.startsWith(root)) {
            return "link " + target + " leaves the repository";
        }
        if (!Files.exists(resolved)) {
            return "link " + target + ": no file " + root.relativize(resolved);
        }
        if (anchor == null || anchor.isEmpty()) {
            return null;
        }
        if (!resolved.getFileName().toString().endsWith(".md")) {
            return "link " + target + " names an anchor in " + root.relativize(resolved) + ", which is not Markdown";
        }
        Set<String> anchors = anchorsByFile.computeIfAbsent(resolved, MarkdownLinks::anchors);
        if (!anchors.contains(anchor)) {
            return "link " + target + ": no heading in " + root.relativize(resolved) + " makes the anchor #" + anchor;
        }
        return null;
    }

    /** The anchors GitHub gives the headings of a file, plus explicit {@code <a id>} and {@code <a name>} anchors. */
    static Set<String> anchors(Path file) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (ProseLine prose : prose(file)) {
            String line = prose.text();
            Matcher ids = HTML_ID.matcher(line);
            while (ids.find()) {
                anchors.add(ids.group(1));
            }
            Matcher h = HEADING.matcher(line);
            if (h.matches()) {
                String slug = slug(h.group(1));
                int n = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(n == 0 ? slug : slug + "-" + n);
            }
        }
        return anchors;
    }

    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replaceAll("<[^>]+>", "");
        StringBuilder slug = new StringBuilder();
        text.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                slug.appendCodePoint(c);
            }
            else if (c == ' ') {
                slug.append('-');
            }
        });
        return slug.toString();
    }

    private record ProseLine(int number, String text) {
    }

    /** The lines outside fenced code blocks, with their 1-based numbers. */
    private static List<ProseLine> prose(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<ProseLine> prose = new ArrayList<>();
        String fence = null;
        for (int i = 0; i < lines.size(); i++) {
            Matcher f = FENCE.matcher(lines.get(i));
            if (f.find()) {
                String marker = f.group(1);
                if (fence == null) {
                    fence = marker;
                    continue;
                }
                if (marker.charAt(0) == fence.charAt(0) && marker.length() >= fence.length()) {
                    fence = null;
                    continue;
                }
            }
            if (fence == null) {
                prose.add(new ProseLine(i + 1, lines.get(i)));
            }
        }
        return prose;
    }
}
