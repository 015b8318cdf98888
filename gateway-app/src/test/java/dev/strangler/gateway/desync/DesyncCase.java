package dev.strangler.gateway.desync;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One case of the desync corpus ({@code src/test/resources/desync/*.cases}, described in docs/desync-corpus.md): the
 * exact bytes a client sends on one connection, where they come from, and what the gateway must do with them
 * beyond never desynchronizing.
 */
record DesyncCase(String id, String file, String source, String technique, Expect expect, byte[] bytes) {

    /** The corpus files, in the order they run. */
    static final List<String> FILES = List.of("controls.cases", "portswigger-desyncbox.cases", "defparam-smuggler.cases",
            "http-garden.cases", "payloadsallthethings.cases");

    enum Expect {
        /** Any answer, as long as nothing desynchronizes. */
        ANY,
        /** Every request reaches a backend and is answered by it. */
        FORWARDED,
        /** The gateway answers with an error and no backend sees a request. */
        REJECTED
    }

    @Override
    public String toString() {
        return id;
    }

    static List<DesyncCase> all() {
        List<DesyncCase> cases = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (String file : FILES) {
            for (DesyncCase c : load(file)) {
                if (!ids.add(c.id())) {
                    throw new IllegalStateException(file + ": case id " + c.id() + " is used twice");
                }
                cases.add(c);
            }
        }
        return cases;
    }

    static List<DesyncCase> load(String file) {
        String text;
        try (InputStream in = DesyncCase.class.getResourceAsStream("/desync/" + file)) {
            if (in == null) {
                throw new IllegalStateException("no corpus file desync/" + file + " on the test classpath");
            }
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<DesyncCase> cases = new ArrayList<>();
        Builder current = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String where = file + ":" + (i + 1);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(": ");
            if (colon < 0) {
                throw new IllegalStateException(where + ": expected 'key: value', got " + line);
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 2);
            if (key.equals("case")) {
                if (current != null) {
                    cases.add(current.build());
                }
                current = new Builder(value, file, where);
                continue;
            }
            if (current == null) {
                throw new IllegalStateException(where + ": '" + key + ":' before the first 'case:'");
            }
            switch (key) {
                case "source" -> current.source = value;
                case "technique" -> current.technique = value;
                case "expect" -> current.expect = switch (value) {
                    case "forwarded" -> Expect.FORWARDED;
                    case "rejected" -> Expect.REJECTED;
                    default -> throw new IllegalStateException(where + ": expect is 'forwarded' or 'rejected', got " + value);
                };
                case "bytes" -> unescape(value, current.bytes, where);
                default -> throw new IllegalStateException(where + ": unknown key '" + key + "' (case, source, technique, expect, bytes)");
            }
        }
        if (current != null) {
            cases.add(current.build());
        }
        return cases;
    }

    /** The value of a {@code bytes:} line: printable ASCII as it is, with \r \n \t \\ and \xHH escapes. */
    static void unescape(String value, ByteArrayOutputStream out, String where) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\\') {
                out.write(c);
                continue;
            }
            if (i + 1 >= value.length()) {
                throw new IllegalStateException(where + ": a lone backslash ends the line; write \\\\ for one");
            }
            char e = value.charAt(++i);
            switch (e) {
                case 'r' -> out.write('\r');
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case '\\' -> out.write('\\');
                case 'x' -> {
                    if (i + 2 >= value.length()) {
                        throw new IllegalStateException(where + ": \\x needs two hex digits");
                    }
                    out.write(Integer.parseInt(value.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> throw new IllegalStateException(where + ": unknown escape \\" + e + " (\\r \\n \\t \\\\ \\xHH)");
            }
        }
    }

    private static final class Builder {
        final String id;
        final String file;
        final String where;
        String source;
        String technique;
        Expect expect = Expect.ANY;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Builder(String id, String file, String where) {
            this.id = id;
            this.file = file;
            this.where = where;
        }

        DesyncCase build() {
            if (source == null || technique == null || bytes.size() == 0) {
                throw new IllegalStateException(where + ": case " + id + " needs source:, technique: and bytes:");
            }
            return new DesyncCase(id, file, source, technique, expect, bytes.toByteArray());
        }
    }
}
