package dev.strangler.gateway.routing;

/**
 * What a routing decision may read of a request, with no proxy engine's types in it, so that Spring Cloud
 * Gateway's path and the direct path ask {@link RoutePlanner} the same question and get the same answer.
 */
public interface RequestView {

    /** The method as sent, upper case. */
    String method();

    /** The normalized path. */
    RequestPath path();

    /** The first value of a header, or null when the request has none. */
    String header(String name);

    /** The value of the first cookie of that name, or null when the request has none. */
    String cookie(String name);
}
