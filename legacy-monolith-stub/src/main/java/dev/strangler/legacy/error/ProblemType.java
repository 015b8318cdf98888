package dev.strangler.legacy.error;

import java.net.URI;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/**
 * The closed set of problem types this API answers with. The {@code type} URIs are part of the orders contract:
 * orders-service answers the same ones.
 */
public enum ProblemType {
    INVALID_REQUEST("invalid-request", "Invalid request", HttpStatus.BAD_REQUEST),
    MALFORMED_JSON("malformed-json", "Malformed JSON", HttpStatus.BAD_REQUEST),
    UNKNOWN_CUSTOMER("unknown-customer", "Unknown customer", HttpStatus.BAD_REQUEST),
    UNKNOWN_PRODUCT("unknown-product", "Unknown product", HttpStatus.BAD_REQUEST),
    NOT_FOUND("not-found", "Not found", HttpStatus.NOT_FOUND),
    METHOD_NOT_ALLOWED("method-not-allowed", "Method not allowed", HttpStatus.METHOD_NOT_ALLOWED),
    NOT_ACCEPTABLE("not-acceptable", "Not acceptable", HttpStatus.NOT_ACCEPTABLE),
    ORDER_ALREADY_CANCELLED("order-already-cancelled", "Order already cancelled", HttpStatus.CONFLICT),
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", "Idempotency key reused", HttpStatus.CONFLICT),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", "Unsupported media type", HttpStatus.UNSUPPORTED_MEDIA_TYPE),
    INTERNAL_ERROR("internal-error", "Internal error", HttpStatus.INTERNAL_SERVER_ERROR),
    ORDER_IDS_EXHAUSTED("order-ids-exhausted", "Order ids exhausted", HttpStatus.SERVICE_UNAVAILABLE),
    SHUTTING_DOWN("shutting-down", "Shutting down", HttpStatus.SERVICE_UNAVAILABLE);

    private static final String URN_PREFIX = "urn:strangler:problem:";

    private final URI type;
    private final String title;
    private final HttpStatus status;

    ProblemType(String slug, String title, HttpStatus status) {
        this.type = URI.create(URN_PREFIX + slug);
        this.title = title;
        this.status = status;
    }

    public URI type() {
        return type;
    }

    public HttpStatus status() {
        return status;
    }

    public ProblemDetail toProblem(String detail, String instance) {
        return problem(type, title, status, detail, instance);
    }

    /**
     * The type for an error that framework code raised with only a status. Statuses outside this set keep the
     * RFC 9457 default {@code about:blank}, whose title is the reason phrase.
     */
    public static ProblemDetail forStatus(HttpStatusCode status, String detail, String instance) {
        for (ProblemType candidate : values()) {
            if (candidate.status.value() == status.value() && candidate.isTheGenericOneForItsStatus()) {
                return candidate.toProblem(detail, instance);
            }
        }
        HttpStatus known = HttpStatus.resolve(status.value());
        String title = known != null ? known.getReasonPhrase() : "Error";
        return problem(URI.create("about:blank"), title, status, detail, instance);
    }

    private boolean isTheGenericOneForItsStatus() {
        return switch (this) {
            case INVALID_REQUEST, NOT_FOUND, METHOD_NOT_ALLOWED, NOT_ACCEPTABLE, UNSUPPORTED_MEDIA_TYPE,
                    INTERNAL_ERROR, ORDER_IDS_EXHAUSTED -> true;
            default -> false;
        };
    }

    private static ProblemDetail problem(URI type, String title, HttpStatusCode status, String detail, String instance) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        if (instance != null) {
            try {
                problem.setInstance(URI.create(instance));
            } catch (IllegalArgumentException notAUri) {
                // The instance is a courtesy; a path that is no valid URI reference simply goes without it.
            }
        }
        return problem;
    }
}
