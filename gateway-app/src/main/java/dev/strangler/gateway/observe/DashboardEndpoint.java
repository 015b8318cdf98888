package dev.strangler.gateway.observe;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.http.MediaType;

/**
 * {@code /actuator/dashboard}: the read-only migration dashboard, one self-contained HTML page that polls
 * {@code /actuator/migration}. The page's stylesheet and script are kept as separate files for editing and
 * inlined here once at start, so the page is a single response that loads nothing else; a Content-Security-Policy
 * pinned to their hashes keeps any other script from running in it.
 */
@Endpoint(id = "dashboard")
public class DashboardEndpoint {

    private static final String DIRECTORY = "dashboard/";
    private static final String CSP_MARKER = "<meta name=\"dashboard-csp\">";
    private static final String STYLESHEET_LINK = "<link rel=\"stylesheet\" href=\"dashboard.css\">";
    private static final String SCRIPT_TAG = "<script src=\"dashboard.js\"></script>";

    private final String page;

    public DashboardEndpoint() {
        String html = read("index.html");
        String css = read("dashboard.css");
        String js = read("dashboard.js");
        // The browser would end the inlined element at the first "</", whatever follows it.
        if (css.contains("</") || js.contains("</")) {
            throw new IllegalStateException("dashboard.css and dashboard.js must not contain \"</\": they are inlined into the page");
        }
        String csp = "default-src 'none'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; "
                + "style-src '" + sha256(css) + "'; script-src '" + sha256(js) + "'";
        this.page = replaceOnce(replaceOnce(replaceOnce(html,
                CSP_MARKER, "<meta http-equiv=\"Content-Security-Policy\" content=\"" + csp + "\">"),
                STYLESHEET_LINK, "<style>" + css + "</style>"),
                SCRIPT_TAG, "<script>" + js + "</script>");
    }

    @ReadOperation(produces = MediaType.TEXT_HTML_VALUE)
    public String page() {
        return page;
    }

    private static String read(String name) {
        try (InputStream in = DashboardEndpoint.class.getClassLoader().getResourceAsStream(DIRECTORY + name)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + DIRECTORY + name + " is missing from the gateway jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read classpath resource " + DIRECTORY + name, e);
        }
    }

    private static String replaceOnce(String html, String marker, String replacement) {
        int at = html.indexOf(marker);
        if (at < 0 || html.indexOf(marker, at + 1) >= 0) {
            throw new IllegalStateException(DIRECTORY + "index.html must contain " + marker + " exactly once");
        }
        return html.substring(0, at) + replacement + html.substring(at + marker.length());
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
