package dev.strangler.gateway.routes;

import java.util.List;

/** Either a table (possibly with warnings) or the errors that kept one from being built. */
public record ParseResult(MigrationTable table, List<Diagnostic> diagnostics, String contentHash) {

    static ParseResult ok(MigrationTable table, List<Diagnostic> diagnostics) {
        return new ParseResult(table, List.copyOf(diagnostics), table.contentHash());
    }

    static ParseResult failed(List<Diagnostic> diagnostics, String contentHash) {
        return new ParseResult(null, List.copyOf(diagnostics), contentHash);
    }

    public boolean ok() {
        return table != null;
    }

    public List<Diagnostic> errors() {
        return diagnostics.stream().filter(Diagnostic::isError).toList();
    }

    public List<Diagnostic> warnings() {
        return diagnostics.stream().filter(d -> !d.isError()).toList();
    }
}
