package dev.strangler.orders.error;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers errors that never reached a controller (the servlet container rejected the request, or a filter failed)
 * in the same problem format as the API, instead of Spring Boot's default error JSON or whitelabel page.
 */
@RestController
class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<Object> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer value && value >= 400 ? value : 500;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String detail = status >= 500 ? "The request could not be processed. The error has been logged."
                : "The request was rejected";
        return ProblemResponses.of(
                ProblemType.forStatus(HttpStatusCode.valueOf(status), detail, uri == null ? null : uri.toString()), null);
    }
}
