package dev.strangler.gateway.routes;

import java.util.stream.Collectors;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints every routes.yaml error at start-up as file:line:column lines instead of a stack trace. */
public class InvalidRoutesFailureAnalyzer extends AbstractFailureAnalyzer<InvalidRoutesException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidRoutesException cause) {
        String errors = cause.errors().stream().map(Object::toString).collect(Collectors.joining("\n"));
        return new FailureAnalysis(cause.getMessage() + (errors.isEmpty() ? "" : ":\n" + errors),
                "Fix the routes file (check it with: java -jar gateway-app.jar --validate FILE), then start the gateway again.",
                cause);
    }
}
