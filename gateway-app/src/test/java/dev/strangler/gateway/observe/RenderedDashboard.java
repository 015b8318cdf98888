package dev.strangler.gateway.observe;

import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard's DOM as Chromium serialized it, read the way a person reads the page: the visible text of a
 * route's cell, of an element, and the order of the routes. The page marks each route's {@code tbody} with
 * {@code data-route} and each cell with {@code data-col}.
 */
record RenderedDashboard(String dom) {

    private static final Pattern ROUTE = Pattern.compile("<tbody[^>]*\\sdata-route=\"([^\"]*)\"");
    private static final Pattern TAG = Pattern.compile("<[^>]*>");

    List<String> routeIds() {
        List<String> ids = new ArrayList<>();
        Matcher m = ROUTE.matcher(dom);
        while (m.find()) {
            ids.add(unescape(m.group(1)));
        }
        return ids;
    }

    /**
     * The markup of one route's rows, as serialized: up to the next route's {@code tbody}, or the end of the table
     * for the last one. (Its mismatch samples hold tables of their own, so the first {@code </tbody>} is not the end.)
     */
    String routeHtml(String routeId) {
        Matcher m = ROUTE.matcher(dom);
        while (m.find()) {
            if (unescape(m.group(1)).equals(routeId)) {
                int start = m.end();
                int end = m.find() ? m.start() : dom.indexOf("<p class=\"footnote", start);
                return dom.substring(start, end < 0 ? dom.length() : end);
            }
        }
        return fail("no route " + routeId + " in the rendered dashboard:\n" + dom);
    }

    /** The text of one cell of a route's row: route, stage, traffic, errors, fallbacks, parity or advice. */
    String cell(String routeId, String column) {
        Matcher m = Pattern.compile("<td[^>]*\\sdata-col=\"" + Pattern.quote(column) + "\"[^>]*>(.*?)</td>", Pattern.DOTALL)
                .matcher(routeHtml(routeId));
        if (!m.find()) {
            fail("route " + routeId + " has no " + column + " cell:\n" + routeHtml(routeId));
        }
        return text(m.group(1));
    }

    /** The text of a route's evidence row: latency per backend, the shadow's latency difference, the 30-minute chart. */
    String evidence(String routeId) {
        String html = routeHtml(routeId);
        int start = html.indexOf("<tr class=\"evidence-row\"");
        if (start < 0) {
            return "";
        }
        int end = html.indexOf("<tr class=\"samples-row\"", start);
        return text(html.substring(start, end < 0 ? html.length() : end));
    }

    /** The text of the element with this id. */
    String textOf(String id) {
        return text(element(id).inner());
    }

    boolean hidden(String id) {
        return Pattern.compile("\\shidden(=|\\s|$)").matcher(element(id).attributes()).find();
    }

    private Element element(String id) {
        Matcher m = Pattern.compile("<(\\w+)([^>]*\\sid=\"" + Pattern.quote(id) + "\"[^>]*)>(.*?)</\\1>", Pattern.DOTALL).matcher(dom);
        if (!m.find()) {
            fail("no element #" + id + " in the rendered dashboard:\n" + dom);
        }
        return new Element(m.group(2), m.group(3));
    }

    /** Text as displayed: tags become spaces, runs of whitespace collapse, entities are decoded. */
    static String text(String html) {
        return unescape(TAG.matcher(html).replaceAll(" ").replaceAll("\\s+", " ").trim());
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&nbsp;", " ")
                .replace("&amp;", "&");
    }

    private record Element(String attributes, String inner) {
    }
}
