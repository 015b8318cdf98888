package dev.strangler.gateway.routes;

/** One finding about a routes file: where it is, what is wrong and what to write instead. */
public record Diagnostic(Severity severity, SourceLocation location, String message) {

    public enum Severity { ERROR, WARNING }

    public static Diagnostic error(SourceLocation location, String message) {
        return new Diagnostic(Severity.ERROR, location, message);
    }

    public static Diagnostic warning(SourceLocation location, String message) {
        return new Diagnostic(Severity.WARNING, location, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        return location + ": " + (isError() ? "" : "warning: ") + message;
    }
}
