package dev.strangler.gateway.routes;

import java.util.List;

/** The routes file could not be read or is invalid at start-up; the gateway does not start. */
public class InvalidRoutesException extends RuntimeException {

    private final List<Diagnostic> errors;

    public InvalidRoutesException(String message, List<Diagnostic> errors) {
        super(message);
        this.errors = List.copyOf(errors);
    }

    public List<Diagnostic> errors() {
        return errors;
    }
}
