package dev.strangler.gateway.shadow;

import java.net.URI;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/**
 * The copy of one client request, addressed to the shadow backend.
 *
 * @param body the request body, or null when the request has none
 */
record ShadowRequest(HttpMethod method, URI uri, HttpHeaders headers, byte[] body) {
}
