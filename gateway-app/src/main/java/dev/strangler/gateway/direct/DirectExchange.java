package dev.strangler.gateway.direct;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.http.HttpStatus;

import dev.strangler.gateway.resilience.Recovery;
import dev.strangler.gateway.routing.ForwardedHeadersPolicy;
import dev.strangler.gateway.routing.RoutingDecision;
import dev.strangler.gateway.shadow.PrimaryCapture;
import dev.strangler.gateway.web.BackendFailure;
import dev.strangler.gateway.web.BackendProblem;
import dev.strangler.gateway.web.MalformedRequestBodies;
import dev.strangler.gateway.web.Problems;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.tracing.Span;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import reactor.netty.http.client.HttpClient;

/**
 * One request on the direct path, from its arrival to its response's last byte, all on its client connection's
 * event loop: the backend connection, the timeout and every callback run there.
 */
final class DirectExchange {

    private static final String PROBLEM_JSON = "application/problem+json";
    /** Header values were validated when the client's request and the backend's response were decoded. */
    private static final HttpHeadersFactory UNVALIDATED = DefaultHttpHeadersFactory.headersFactory().withValidation(false);

    private final DirectProxy proxy;
    private final DirectConnection connection;
    private final ChannelHandlerContext client;
    private final BackendChannels.Transport transport;
    private final HttpRequest request;
    private final Plan plan;
    private final boolean keepAlive;
    private final long start = System.nanoTime();

    private Span span;
    /** The routing decision, until a fallback replaces it. */
    private RoutingDecision decision;
    /** Where the current attempt goes, and the target it asks for. */
    private BackendAddresses.BackendAddress target;
    private String uri;
    private int retriesLeft;
    private boolean fellBack;
    /** Counts attempts, so that a connection opened for an attempt given up on is not used. */
    private int attempt;
    private CircuitBreaker breaker;
    private long breakerStart;
    /** Set once the breaker has been told how the call went (or given its permission back). */
    private boolean settled;
    private ScheduledFuture<?> timeout;
    private Channel backend;
    /** What the client gets, kept for the comparison with the shadow copy's answer; null when no copy is made. */
    private PrimaryCapture shadow;
    /** Whether the client got the backend's whole answer. */
    private boolean answeredWhole;
    /** The current attempt's wait for a backend connection, until the pool gives one or says none comes. */
    private Attempt waiting;
    /** Request content read before the backend connection was open, or before the head was written on a pooled one. */
    private List<HttpContent> early;
    /** Whether the head sent on a pooled connection is not written yet: content waits in {@link #early} meanwhile. */
    private boolean headPending;
    private boolean requestSent;
    private boolean answerBegun;
    private boolean answerEnded;
    private boolean backendReusable;
    private boolean done;
    private int status;
    private BackendFailure failure;
    private Throwable error;

    DirectExchange(DirectProxy proxy, DirectConnection connection, ChannelHandlerContext client,
            BackendChannels.Transport transport, HttpRequest request, Plan plan) {
        this.proxy = proxy;
        this.connection = connection;
        this.client = client;
        this.transport = transport;
        this.request = request;
        this.plan = plan;
        this.keepAlive = HttpUtil.isKeepAlive(request) && !connection.lastAnswer();
        this.decision = plan.decision();
        this.target = plan.backend();
        this.uri = plan.uri();
        this.retriesLeft = plan.retries();
    }

    void start() {
        proxy.exchangeStarted();
        span = proxy.spans.start(request.method().name(), request.headers(), plan.decision().pattern());
        breaker = plan.breaker();
        if (breaker != null && !breaker.tryAcquirePermission()) {
            settled = true;
            fail(CallNotPermittedException.createCallNotPermittedException(breaker));
            return;
        }
        breakerStart = breaker == null ? 0 : breaker.getCurrentTimestamp();
        send();
    }

    /** One attempt: the request to {@link #target}, with its own timeout. */
    private void send() {
        attempt++;
        headPending = false;
        answerEnded = false;
        requestSent = false;
        backendReusable = false;
        if (plan.timeout() != null) {
            timeout = client.executor().schedule(this::timedOut, plan.timeout().toNanos(), TimeUnit.NANOSECONDS);
        }
        HttpRequest outbound = backendRequest();
        if (attempt == 1 && plan.shadow() != null) {
            // The copy gets the headers the primary does, sent at once: a request without a body is whole already.
            shadow = proxy.shadows.copyBodiless(decision, request.method().name(), plan.shadow().path(), plan.shadow().query(),
                    outbound.headers());
        }
        if (plan.guarded()) {
            // The request has no body: each attempt ends it itself, and the client's empty end is let go.
            early = new ArrayList<>(1);
            early.add(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        obtain(outbound, true);
    }

    /**
     * Asks the target's pool for a connection for the current attempt, so that its limit holds for retries and
     * fallbacks too: an idle one when {@code reuse}, else a new one; content read meanwhile waits in {@link #early}.
     */
    private void obtain(HttpRequest outbound, boolean reuse) {
        if (early == null) {
            early = new ArrayList<>(1);
        }
        Attempt lease = new Attempt(attempt, target, outbound);
        waiting = lease;
        EventLoop loop = client.channel().eventLoop();
        if (!reuse) {
            proxy.backendChannels.acquireNew(loop, transport, target, lease);
            return;
        }
        Channel idle = proxy.backendChannels.acquire(loop, transport, target, lease);
        if (idle != null) {
            waiting = null;
            sendOnReused(idle, outbound);
        }
    }

    /** Leaves the pool's queue, if the current attempt waits in it: an exchange that ends leaves nothing waiting. */
    private void stopWaiting() {
        Attempt lease = waiting;
        if (lease != null) {
            waiting = null;
            proxy.backendChannels.cancel(lease.target, lease);
        }
    }

    /**
     * One attempt's wait for a connection. A connection that comes for an attempt given up on (the exchange ended,
     * or a retry began) goes back to its pool unused.
     */
    private final class Attempt implements BackendChannels.Lease {
        final int number;
        final BackendAddresses.BackendAddress target;
        final HttpRequest outbound;

        Attempt(int number, BackendAddresses.BackendAddress target, HttpRequest outbound) {
            this.number = number;
            this.target = target;
            this.outbound = outbound;
        }

        private boolean current() {
            return !done && failure == null && number == attempt && waiting == this;
        }

        @Override
        public void acquired(Channel channel, boolean reused) {
            if (!current()) {
                proxy.backendChannels.release(channel);
                return;
            }
            waiting = null;
            if (reused) {
                sendOnReused(channel, outbound);
                return;
            }
            attach(channel);
            channel.write(outbound, channel.voidPromise());
            sendEarly();
        }

        @Override
        public void notAcquired(Throwable cause) {
            if (current()) {
                waiting = null;
                fail(cause);
            }
        }
    }

    /**
     * Sends the head on a pooled connection, which the backend may be closing at this very moment (its keep-alive
     * timeout): the head is flushed on its own and the body held until it is written, so that a head the connection
     * refuses leaves nothing of the request at the backend and the request goes once more, whole, on a new connection,
     * as Go's http.Transport and Reactor Netty's client resend a request that failed before any of it was written.
     * An idle connection's send buffer is empty and larger than any head, so a head that fails was not sent in part.
     */
    private void sendOnReused(Channel channel, HttpRequest outbound) {
        attach(channel);
        headPending = true;
        channel.writeAndFlush(outbound).addListener((ChannelFutureListener) written -> headWritten(written, outbound));
    }

    private void headWritten(ChannelFuture written, HttpRequest outbound) {
        if (backend != written.channel()) {
            // The exchange or the attempt ended meanwhile; what it held was let go with it.
            return;
        }
        headPending = false;
        if (done || failure != null) {
            return;
        }
        if (written.isSuccess()) {
            sendEarly();
            return;
        }
        // The refused connection closes (its place in the pool with it) and the request goes on a new one, which is
        // not resent on: a backend that refuses a fresh connection is not closing an idle one.
        closeBackend();
        obtain(outbound, false);
    }

    /** Sends the request content held until the head was on its way. */
    private void sendEarly() {
        List<HttpContent> waiting = early;
        early = null;
        if (waiting == null) {
            return;
        }
        for (int i = 0; i < waiting.size(); i++) {
            if (backend == null) {
                // The write failed and the exchange with it: what is left goes nowhere.
                waiting.subList(i, waiting.size()).forEach(ReferenceCountUtil::release);
                return;
            }
            sendContent(waiting.get(i));
        }
    }

    private void attach(Channel channel) {
        backend = channel;
        BackendChannels.attach(channel, this);
    }

    /**
     * The client's request as the backend gets it: the client's headers without hop-by-hop, Host, forwarding and
     * framing headers, then the backend's own Host, the gateway's X-Forwarded-* and the trace context; with User-Agent,
     * Accept and body framing as Reactor Netty's client, on the other path, would send them.
     */
    private HttpRequest backendRequest() {
        HttpHeaders in = request.headers();
        DefaultHttpRequest out = new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), uri, UNVALIDATED);
        HttpHeaders headers = out.headers();
        String connectionHeader = HopByHop.connection(in);
        for (Map.Entry<String, String> header : in) {
            String name = header.getKey();
            if (!HttpHeaderNames.HOST.contentEqualsIgnoreCase(name) && !HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)
                    && !ForwardedHeadersPolicy.isForwardingHeader(name) && !proxy.hopByHop.dropped(name, connectionHeader)) {
                headers.add(name, header.getValue());
            }
        }
        frame(request, headers);
        if (!headers.contains(HttpHeaderNames.USER_AGENT)) {
            headers.set(HttpHeaderNames.USER_AGENT, HttpClient.USER_AGENT);
        }
        headers.set(HttpHeaderNames.HOST, target.host());
        if (!headers.contains(HttpHeaderNames.ACCEPT)) {
            headers.set(HttpHeaderNames.ACCEPT, "*/*");
        }
        proxy.forwarded.addForwarding(in::getAll, headers::add, (InetSocketAddress) client.channel().remoteAddress(),
                connection.scheme());
        proxy.spans.inject(span, headers);
        return out;
    }

    /**
     * Frames the body the backend gets by the body the decoder reads, never by a header copied through: the backend
     * must find the request's end where the gateway found it. A chunked body stays chunked (Transfer-Encoding itself
     * is hop-by-hop); a body of known length keeps it; otherwise, as Reactor Netty's client frames it, a body of
     * unknown length goes chunked for any method but GET, HEAD and DELETE, and those three say Content-Length: 0.
     */
    private static void frame(HttpRequest request, HttpHeaders headers) {
        HttpMethod method = request.method();
        long length = HttpUtil.getContentLength(request, -1L);
        if (HttpUtil.isTransferEncodingChunked(request)
                || (length < 0 && !HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method) && !HttpMethod.DELETE.equals(method))) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        else {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, Math.max(length, 0));
        }
    }

    /** A piece of the client's request body. */
    void requestContent(HttpContent content) {
        if (done || failure != null || plan.guarded()) {
            ReferenceCountUtil.release(content);
        }
        else if (early != null) {
            early.add(content);
        }
        else if (headPending) {
            early = new ArrayList<>(2);
            early.add(content);
        }
        else if (backend != null) {
            sendContent(content);
        }
        else {
            ReferenceCountUtil.release(content);
        }
    }

    private void sendContent(HttpContent content) {
        Channel channel = backend;
        if (content instanceof LastHttpContent last) {
            requestSent = true;
            content = withoutTrailers(last);
        }
        // A write that fails at once fails the exchange before it returns, which lets go of the backend.
        channel.writeAndFlush(content, channel.voidPromise());
        if (backend != null && !channel.isWritable()) {
            client.channel().config().setAutoRead(false);
        }
    }

    /**
     * The client's request could not be decoded past its head (a malformed chunk, say): the backend must not take
     * what it got for the whole body. Answered with the problem the other path gives, and the connection closed,
     * since where the next request would start is unknown.
     */
    void requestMalformed() {
        if (done) {
            return;
        }
        abandon();
        status = 400;
        if (answerBegun || failure != null) {
            end(false);
            return;
        }
        answerBegun = true;
        byte[] body = Problems.json(HttpStatus.BAD_REQUEST, "http-400", HttpStatus.BAD_REQUEST.getReasonPhrase(),
                MalformedRequestBodies.MalformedBodyException.DETAIL, plan.path());
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
                Unpooled.wrappedBuffer(body), UNVALIDATED, UNVALIDATED);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, PROBLEM_JSON).setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        tag(response.headers());
        client.writeAndFlush(response).addListener((ChannelFutureListener) written -> end(false));
    }

    void backendWritabilityChanged() {
        if (backend.isWritable() && connection.reading()) {
            client.channel().config().setAutoRead(true);
        }
    }

    void clientWritabilityChanged() {
        if (backend != null) {
            backend.config().setAutoRead(client.channel().isWritable());
        }
    }

    /** A message of the backend's answer. */
    void backendRead(Object msg) {
        if (done || failure != null || !(msg instanceof HttpObject object)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!object.decoderResult().isSuccess()) {
            ReferenceCountUtil.release(msg);
            backendFailed(object.decoderResult().cause());
            return;
        }
        if (answerEnded) {
            // More after the end of the answer: the connection cannot be trusted with another request.
            ReferenceCountUtil.release(msg);
            backendReusable = false;
            return;
        }
        if (msg instanceof HttpResponse response) {
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                // 100 Continue, 103 Early Hints and the like are for this hop; the empty end the codec gives each
                // of them is dropped with it below.
                ReferenceCountUtil.release(msg);
                return;
            }
            int code = response.status().code();
            if (code >= 500 && (retriesLeft > 0 || (plan.fallback() != null && !fellBack))) {
                // Not the final answer: nothing of it reaches the client, and its connection, read only in part, goes.
                ReferenceCountUtil.release(msg);
                cancelTimeout();
                closeBackend();
                recover(new BackendFailure.UpstreamServerError(code));
                return;
            }
            answer(response);
        }
        if (msg instanceof HttpContent content) {
            if (!answerBegun) {
                // The end of an informational response, or content before any head.
                ReferenceCountUtil.release(content);
                return;
            }
            if (shadow != null) {
                shadow.keep(content.content().nioBuffer());
            }
            boolean last = content instanceof LastHttpContent;
            if (last) {
                answerEnded = true;
                client.write(withoutTrailers((LastHttpContent) content)).addListener((ChannelFutureListener) this::answerWritten);
                client.flush();
            }
            else {
                client.write(content, client.voidPromise());
                if (!client.channel().isWritable() && backend != null) {
                    backend.config().setAutoRead(false);
                }
            }
        }
    }

    /** Trailers stay on the hop they came on, in either direction, as on the other path. */
    private static LastHttpContent withoutTrailers(LastHttpContent end) {
        return end.trailingHeaders().isEmpty() ? end : new DefaultLastHttpContent(end.content());
    }

    void backendReadComplete() {
        if (answerBegun && !done) {
            client.flush();
        }
    }

    private void answer(HttpResponse response) {
        cancelTimeout();
        status = response.status().code();
        if (breaker != null && !settled) {
            settled = true;
            long took = breaker.getCurrentTimestamp() - breakerStart;
            if (status >= 500) {
                breaker.onError(took, breaker.getTimestampUnit(), new BackendFailure.UpstreamServerError(status));
            }
            else {
                breaker.onSuccess(took, breaker.getTimestampUnit());
            }
        }
        backendReusable = HttpUtil.isKeepAlive(response);
        DefaultHttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, response.status(), UNVALIDATED);
        HttpHeaders from = response.headers();
        HttpHeaders to = out.headers();
        String connectionHeader = HopByHop.connection(from);
        for (Map.Entry<String, String> header : from) {
            if (!proxy.hopByHop.dropped(header.getKey(), connectionHeader)) {
                to.add(header.getKey(), header.getValue());
            }
        }
        tag(to);
        if (!keepAlive) {
            to.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        if (shadow != null) {
            shadow.answered(status, to);
        }
        frame(out);
        answerBegun = true;
        client.write(out, client.voidPromise());
    }

    /**
     * Body framing as Reactor Netty's server sets it on the other path (HttpServerOperations): a 304 declares no
     * length, 204 and 205 have no body, and any other answer without a length is chunked.
     */
    private static void frame(HttpResponse out) {
        int code = out.status().code();
        if (code == 304) {
            out.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        else if (code != 204 && code != 205 && !HttpUtil.isContentLengthSet(out)) {
            HttpUtil.setTransferEncodingChunked(out, true);
        }
    }

    private void tag(HttpHeaders headers) {
        proxy.tags.write(decision, headers::set, headers::add);
    }

    private void answerWritten(ChannelFuture written) {
        if (!written.isSuccess()) {
            clientClosed();
            return;
        }
        if (done) {
            return;
        }
        if (backendReusable && requestSent && backend != null && backend.isActive()) {
            proxy.backendChannels.release(backend);
        }
        else {
            closeBackend();
        }
        backend = null;
        answeredWhole = true;
        end(keepAlive);
    }

    private void timedOut() {
        if (!answerBegun) {
            fail(new TimeoutException("Response took longer than timeout: " + plan.timeout()));
        }
    }

    /** The backend connection failed or closed: {@code cause} is null for a close. */
    void backendFailed(Throwable cause) {
        if (done || answerEnded) {
            return;
        }
        fail(cause != null ? cause : new BackendFailure.ClosedEarly(answerBegun));
    }

    void fail(Throwable cause) {
        if (done) {
            return;
        }
        cancelTimeout();
        closeBackend();
        if (!answerBegun && failure == null && recover(cause)) {
            return;
        }
        if (breaker != null && !settled) {
            settled = true;
            breaker.onError(breaker.getCurrentTimestamp() - breakerStart, breaker.getTimestampUnit(), cause);
        }
        failure = BackendFailure.classify(cause);
        error = cause;
        status = failure.status().value();
        String routeId = decision.route().id();
        BackendProblem.log(failure, routeId, request.method().name(), plan.path(), cause);
        if (answerBegun) {
            // The answer had begun: the client sees the connection end early, as from the backend itself.
            end(false);
            return;
        }
        BackendProblem problem = BackendProblem.of(failure, routeId);
        status = problem.status().value();
        byte[] body = problem.json(plan.path());
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body), UNVALIDATED, UNVALIDATED);
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, PROBLEM_JSON);
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (problem.retryAfterSeconds() != null) {
            headers.set(HttpHeaderNames.RETRY_AFTER, problem.retryAfterSeconds());
        }
        tag(headers);
        if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        answerBegun = true;
        client.writeAndFlush(response).addListener((ChannelFutureListener) written -> end(keepAlive && written.isSuccess()));
    }

    /**
     * Tries the request again, or on the fallback backend, when the route's settings say so for this failure of the
     * current attempt, as Spring Cloud Gateway's path does (ResilienceFilter): retries inside the circuit breaker's
     * call, then the fallback outside it, once the breaker has been told. True when another attempt is under way.
     */
    private boolean recover(Throwable cause) {
        BackendFailure why = BackendFailure.classify(cause);
        if (retriesLeft > 0 && Recovery.retryable(why)) {
            retriesLeft--;
            send();
            return true;
        }
        Plan.Fallback fallback = plan.fallback();
        if (fallback == null || fellBack) {
            return false;
        }
        if (breaker != null && !settled) {
            settled = true;
            breaker.onError(breaker.getCurrentTimestamp() - breakerStart, breaker.getTimestampUnit(), cause);
        }
        fellBack = true;
        retriesLeft = 0;
        decision = proxy.recovery.fallBack(decision, why, request.method().name(), plan.path());
        target = fallback.backend();
        uri = fallback.uri();
        send();
        return true;
    }

    /** The client went away before its answer ended. */
    void clientClosed() {
        if (done) {
            return;
        }
        abandon();
        if (failure == null) {
            status = 499;
        }
        end(false);
    }

    /** Stops the call to the backend without telling its breaker an outcome: the backend did not cause the stop. */
    private void abandon() {
        cancelTimeout();
        closeBackend();
        if (breaker != null && !settled) {
            settled = true;
            breaker.releasePermission();
        }
    }

    private void end(boolean keepOpen) {
        if (done) {
            return;
        }
        done = true;
        stopWaiting();
        if (shadow != null) {
            shadow.ended(answeredWhole, status == 499);
        }
        if (early != null) {
            early.forEach(ReferenceCountUtil::release);
            early = null;
        }
        RequestSpans.end(span, status, error);
        String traceId = span == null ? "-" : span.context().traceId();
        proxy.observer.record(decision, request.method().name(), plan.path(), status,
                failure == null ? null : failure.tag(), System.nanoTime() - start, traceId);
        proxy.exchangeEnded();
        connection.exchangeEnded(client, keepOpen);
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    /** Lets go of the current attempt's connection as broken (closed: never back to idle), or of its wait for one. */
    private void closeBackend() {
        stopWaiting();
        if (backend != null) {
            BackendChannels.attach(backend, null);
            backend.close();
            backend = null;
        }
    }
}
