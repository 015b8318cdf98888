package dev.strangler.gateway.shadow;

/**
 * What the shadow figures and logs say about a sampled request: never its query, headers or body.
 *
 * @param backend the shadow backend
 * @param path    the normalized path the client asked for
 */
record SampledRequest(String route, String backend, String method, String path) {
}
