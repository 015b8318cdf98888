package dev.strangler.gateway.routes;

/** Replaces a leading path prefix, segment-aligned, before the request is forwarded. */
public record RewriteSpec(String prefix, String to) {

    public String apply(String path) {
        if (!path.startsWith(prefix)) {
            return path;
        }
        String rest = path.substring(prefix.length());
        if (!rest.isEmpty() && rest.charAt(0) != '/') {
            return path;
        }
        if (to.equals("/")) {
            return rest.isEmpty() ? "/" : rest;
        }
        return to + rest;
    }
}
