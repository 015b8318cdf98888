package dev.strangler.orders.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Turns every error into {@code application/problem+json} with one of the contract's problem types. Details are
 * written for API users: they never carry stack traces or exception class names.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Object> handleApiException(ApiException ex, HttpServletRequest request) {
        HttpHeaders headers = null;
        if (ex instanceof UnavailableException unavailable) {
            log.warn("event=dependency_unavailable method={} path={} problem={} cause=\"{}\"", request.getMethod(),
                    request.getRequestURI(), ex.type().type(), unavailable.getCause() == null ? "" : unavailable.getCause().getMessage());
            headers = new HttpHeaders();
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, unavailable.retryAfter().toSeconds())));
        }
        return ProblemResponses.of(ex.type().toProblem(ex.getMessage(), request.getRequestURI()), headers);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> handleArgumentTypeMismatch(MethodArgumentTypeMismatchException ex, HttpServletRequest request) {
        String detail = "Parameter '%s' has an invalid value '%s'".formatted(ex.getName(), ex.getValue());
        return ProblemResponses.of(ProblemType.INVALID_REQUEST.toProblem(detail, request.getRequestURI()), null);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> handleUnexpected(Exception ex, HttpServletRequest request) {
        log.error("event=request_failed method={} path={}", request.getMethod(), request.getRequestURI(), ex);
        ProblemDetail problem = ProblemType.INTERNAL_ERROR.toProblem(
                "The request could not be processed. The error has been logged.", request.getRequestURI());
        return ProblemResponses.of(problem, null);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Throwable cause = ex.getCause();
        ProblemDetail problem;
        if (cause instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            problem = ProblemType.INVALID_REQUEST.toProblem(
                    "Field '%s' has the wrong type or is malformed".formatted(fieldPath(mismatch)), path(request));
        } else if (cause instanceof MismatchedInputException) {
            problem = ProblemType.INVALID_REQUEST.toProblem("The request body must be a JSON object", path(request));
        } else if (cause instanceof JsonProcessingException) {
            problem = ProblemType.MALFORMED_JSON.toProblem("The request body is not valid JSON", path(request));
        } else {
            problem = ProblemType.INVALID_REQUEST.toProblem("The request body is missing or unreadable", path(request));
        }
        return ProblemResponses.of(problem, headers);
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String detail = "Parameter '%s' has an invalid value '%s'".formatted(ex.getPropertyName(), ex.getValue());
        return ProblemResponses.of(ProblemType.INVALID_REQUEST.toProblem(detail, path(request)), headers);
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String detail = "Parameter '%s' is required".formatted(ex.getParameterName());
        return ProblemResponses.of(ProblemType.INVALID_REQUEST.toProblem(detail, path(request)), headers);
    }

    @Override
    protected ResponseEntity<Object> handleNoHandlerFoundException(NoHandlerFoundException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        return notFoundPath(ex.getHttpMethod(), ex.getRequestURL(), headers, request);
    }

    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        return notFoundPath(ex.getHttpMethod().name(), path(request), headers, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(HttpRequestMethodNotSupportedException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String detail = "Method %s is not supported here; use %s".formatted(ex.getMethod(),
                String.join(", ", ex.getSupportedMethods() == null ? new String[0] : ex.getSupportedMethods()));
        return ProblemResponses.of(ProblemType.METHOD_NOT_ALLOWED.toProblem(detail, path(request)), headers);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String detail = "Content-Type '%s' is not supported; send application/json".formatted(ex.getContentType());
        return ProblemResponses.of(ProblemType.UNSUPPORTED_MEDIA_TYPE.toProblem(detail, path(request)), headers);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotAcceptable(HttpMediaTypeNotAcceptableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String detail = "This resource can be represented as " + ex.getSupportedMediaTypes();
        return ProblemResponses.of(ProblemType.NOT_ACCEPTABLE.toProblem(detail, path(request)), headers);
    }

    /** Everything else the framework raises keeps its status and gets the generic type for that status. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String detail = body instanceof ProblemDetail framework && framework.getDetail() != null
                ? framework.getDetail()
                : "The request could not be processed";
        return ProblemResponses.of(ProblemType.forStatus(status, detail, path(request)), headers);
    }

    private ResponseEntity<Object> notFoundPath(String method, String path, HttpHeaders headers, WebRequest request) {
        String detail = "No resource at %s %s".formatted(method, path);
        return ProblemResponses.of(ProblemType.NOT_FOUND.toProblem(detail, path(request)), headers);
    }

    private static String fieldPath(JsonMappingException mapping) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : mapping.getPath()) {
            if (reference.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String path(WebRequest request) {
        if (request instanceof NativeWebRequest nativeRequest
                && nativeRequest.getNativeRequest() instanceof HttpServletRequest servletRequest) {
            return servletRequest.getRequestURI();
        }
        return null;
    }
}
