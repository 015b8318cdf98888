package dev.strangler.gateway.shadow;

import org.springframework.http.HttpHeaders;

/**
 * One side's answer as the comparison sees it.
 *
 * @param body the decoded body bytes (empty when there was none)
 */
record CapturedResponse(int status, HttpHeaders headers, byte[] body) {
}
