package dev.strangler.orders.state;

/** A write lost a race: the ETag was stale, or a first-write found the key taken. Re-read and try again. */
public class StateConflictException extends RuntimeException {

    public StateConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
