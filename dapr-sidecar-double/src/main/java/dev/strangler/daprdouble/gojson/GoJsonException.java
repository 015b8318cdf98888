package dev.strangler.daprdouble.gojson;

/** Go's encoding/json would refuse these bytes (daprd then fails the call or leaves the message for redelivery). */
public final class GoJsonException extends Exception {

    public GoJsonException(String message) {
        super(message, null, false, false);
    }
}
