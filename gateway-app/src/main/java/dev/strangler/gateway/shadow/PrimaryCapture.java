package dev.strangler.gateway.shadow;

import java.nio.ByteBuffer;
import java.util.Map;

import org.springframework.http.HttpHeaders;

/**
 * What the client of a copied request gets, as the direct path writes it: the status and headers, then the body up
 * to the limit of {@code strangler.shadow.max-response-body}, kept on the side for the comparison; the client's answer
 * never waits for it. A body past the limit ends the comparison at once, as {@link ResponseTee} does on the other path.
 * All calls come from the client connection's event loop.
 */
public final class PrimaryCapture {

    private final ShadowCopy copy;
    private final int limit;
    private final CappedBytes body;
    private int status;
    private HttpHeaders headers;

    PrimaryCapture(ShadowCopy copy, int limit) {
        this.copy = copy;
        this.limit = limit;
        this.body = new CappedBytes(limit);
    }

    /** The head of the client's answer, as it goes out. */
    public void answered(int status, Iterable<Map.Entry<String, String>> headers) {
        this.status = status;
        this.headers = new HttpHeaders();
        headers.forEach(header -> this.headers.add(header.getKey(), header.getValue()));
    }

    /** A piece of the client's answer body, read without moving its position. */
    public void keep(ByteBuffer chunk) {
        if (!body.overflowed()) {
            body.append(chunk);
            if (body.overflowed()) {
                copy.primaryUnusable(new NotCompared(NotCompared.Outcome.FAILED, "primary-body-too-large"));
            }
        }
    }

    /**
     * The client's exchange ended: with its whole answer from the backend when {@code complete}; otherwise the answer
     * is not compared (the client went away, or the gateway answered a failure itself).
     */
    public void ended(boolean complete, boolean clientGone) {
        copy.primaryDone();
        if (!complete || headers == null) {
            copy.primaryUnusable(new NotCompared(NotCompared.Outcome.SKIPPED, clientGone ? "client-cancelled" : "primary-failed"));
            return;
        }
        if (body.overflowed()) {
            return;
        }
        try {
            copy.primaryAnswered(new CapturedResponse(status, headers, BodyDecoding.decode(headers, body.toByteArray(), limit)));
        }
        catch (NotCompared e) {
            copy.primaryUnusable(e);
        }
    }
}
