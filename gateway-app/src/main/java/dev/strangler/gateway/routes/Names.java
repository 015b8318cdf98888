package dev.strangler.gateway.routes;

import java.util.regex.Pattern;

/** The shapes of the names routes.yaml gives to things, checked once per load. */
final class Names {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private Names() {
    }

    /** A backend name or route id: lower-case letters, digits and '-', as Kubernetes names are. */
    static boolean isName(String text) {
        return NAME.matcher(text).matches();
    }

    /** An RFC 9110 token, the shape of a header or cookie name. */
    static boolean isHeaderName(String text) {
        return HEADER_NAME.matcher(text).matches();
    }
}
