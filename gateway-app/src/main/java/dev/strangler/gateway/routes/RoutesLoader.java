package dev.strangler.gateway.routes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and parses the routes file, naming it in diagnostics as the user wrote it on disk. */
public final class RoutesLoader {

    private final RoutesParser parser;

    public RoutesLoader(RoutesParser parser) {
        this.parser = parser;
    }

    public byte[] read(Path file) throws IOException {
        return Files.readAllBytes(file);
    }

    public ParseResult parse(Path file, byte[] content) {
        return parser.parse(displayName(file), content);
    }

    public ParseResult load(Path file) throws IOException {
        return parse(file, read(file));
    }

    /** A path relative to the working directory when the file is below it, since that is what a person typed. */
    static String displayName(Path file) {
        Path cwd = Path.of("").toAbsolutePath();
        Path abs = file.toAbsolutePath().normalize();
        return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }
}
