package dev.strangler.system.support;

/** An app process did not become ready; the message ends with the tail of its log. */
public class AppStartException extends RuntimeException {

    public AppStartException(String message) {
        super(message);
    }
}
