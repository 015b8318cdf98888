package dev.strangler.gateway.routes;

/** A place in a routes file, 1-based, as editors number lines and columns. */
public record SourceLocation(String file, int line, int column) {

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
