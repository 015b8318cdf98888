package dev.strangler.orders.error;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** Builds problem responses whose content type is {@code application/problem+json} whatever the client accepts. */
final class ProblemResponses {

    private ProblemResponses() {
    }

    static ResponseEntity<Object> of(ProblemDetail problem, HttpHeaders headers) {
        HttpHeaders merged = new HttpHeaders();
        if (headers != null) {
            merged.putAll(headers);
        }
        merged.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return new ResponseEntity<>(problem, merged, HttpStatusCode.valueOf(problem.getStatus()));
    }
}
