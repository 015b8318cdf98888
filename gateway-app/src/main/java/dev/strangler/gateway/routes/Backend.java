package dev.strangler.gateway.routes;

import java.net.URI;

/** A named upstream, with its URL after placeholders were resolved. */
public record Backend(String name, URI url) {

    /** The URL without a trailing slash, ready to have a request path appended. */
    public String base() {
        String s = url.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
