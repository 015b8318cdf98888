package dev.strangler.gateway.edge;

import org.springframework.http.HttpStatus;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/**
 * Why the edge of the public port refuses a request: its status, the problem type (a suffix of
 * {@code https://strangler.dev/problems/}) and a detail for the person who sent it. Raised as the decoder result of
 * the request it refuses, the way Netty's own decoder marks a request it cannot read, so both proxy paths see it
 * the same way; no stack trace is filled in, since each is an answer, not a fault.
 */
final class Rejection extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final String title;

    Rejection(HttpStatus status, String type, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    static Rejection badFraming(String detail) {
        return new Rejection(HttpStatus.BAD_REQUEST, "bad-framing", "Request framing refused", detail);
    }

    static Rejection badHeader(String detail) {
        return new Rejection(HttpStatus.BAD_REQUEST, "bad-header", "Request header refused", detail);
    }

    /**
     * The rejection for a request Netty's decoder could not read, with the statuses Reactor Netty gives the same
     * failures (HttpServerOperations.sendDecodingFailures).
     */
    static Rejection of(Throwable cause) {
        if (cause instanceof Rejection rejection) {
            return rejection;
        }
        if (cause instanceof TooLongHttpLineException) {
            return new Rejection(HttpStatus.URI_TOO_LONG, "uri-too-long", "Request line too long",
                    "The request line is longer than this gateway reads.");
        }
        if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            return new Rejection(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers-too-large", "Request headers too large",
                    "The request headers are larger than this gateway reads.");
        }
        // Netty's messages name the rule the request broke (an invalid character, no colon, a bad Content-Length).
        String detail = cause.getMessage() == null ? "The request could not be read as HTTP/1.1." : cause.getMessage();
        return badFraming(detail);
    }

    HttpStatus status() {
        return status;
    }

    String type() {
        return type;
    }

    String title() {
        return title;
    }
}
