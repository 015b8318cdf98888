package dev.strangler.gateway.edge;

/**
 * Whether a Host header value is {@code uri-host [ ":" port ]} (RFC 9112 section 3.2, RFC 3986 section 3.2.2): a
 * bracketed IPv6 literal, or a name or IPv4 address of letters, digits, {@code - . _ ~} and %-escapes, then an
 * optional port of one to five digits. RFC 3986 also lets a reg-name hold sub-delimiters ({@code ! $ & ' ( ) * + , ; =}),
 * which no DNS name does; they are refused, since the value goes on to backends as X-Forwarded-Host, where a comma
 * would read as a list.
 */
final class HostHeader {

    private HostHeader() {
    }

    static boolean isValid(CharSequence host) {
        int n = host.length();
        if (n == 0) {
            return false;
        }
        int i;
        if (host.charAt(0) == '[') {
            i = 1;
            while (i < n && host.charAt(i) != ']') {
                char c = host.charAt(i);
                if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                    return false;
                }
                i++;
            }
            if (i == n || i == 1) {
                return false;
            }
            i++;
        }
        else {
            i = 0;
            while (i < n && host.charAt(i) != ':') {
                char c = host.charAt(i);
                if (c == '%') {
                    if (i + 2 >= n || Character.digit(host.charAt(i + 1), 16) < 0 || Character.digit(host.charAt(i + 2), 16) < 0) {
                        return false;
                    }
                    i += 3;
                    continue;
                }
                boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                        || c == '.' || c == '_' || c == '~';
                if (!allowed) {
                    return false;
                }
                i++;
            }
            if (i == 0) {
                return false;
            }
        }
        if (i == n) {
            return true;
        }
        if (host.charAt(i) != ':') {
            return false;
        }
        int digits = n - i - 1;
        if (digits < 1 || digits > 5) {
            return false;
        }
        for (int j = i + 1; j < n; j++) {
            char c = host.charAt(j);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
