package dev.strangler.gateway.direct;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.strangler.gateway.routing.ForwardedHeadersPolicy;
import dev.strangler.gateway.web.BackendFailure;
import dev.strangler.gateway.web.BackendProblem;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.tracing.Span;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
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
final class DirectExchange implements BackendChannels.Lease {

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
    private CircuitBreaker breaker;
    private long breakerStart;
    /** Set once the breaker has been told how the call went (or given its permission back). */
    private boolean settled;
    private ScheduledFuture<?> timeout;
    private Channel backend;
    /** The request's head while it waits for a backend connection, which it is written to first. */
    private HttpRequest head;
    /** Request content read while the request waited for a backend connection. */
    private List<HttpContent> early;
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
        if (plan.timeout() != null) {
            timeout = client.executor().schedule(this::timedOut, plan.timeout().toNanos(), TimeUnit.NANOSECONDS);
        }
        HttpRequest outbound = backendRequest();
        head = outbound;
        Channel pooled = proxy.backendChannels.acquire(client.channel().eventLoop(), transport, plan.backend(), this);
        if (pooled != null) {
            head = null;
            attach(pooled);
            backend.write(outbound, backend.voidPromise());
        }
    }

    @Override
    public void acquired(Channel channel) {
        HttpRequest outbound = head;
        head = null;
        if (done || failure != null || outbound == null) {
            // Failed (a timeout, the client gone) while waiting: the backend gets nothing, and the connection is free.
            proxy.backendChannels.release(channel);
            return;
        }
        attach(channel);
        channel.write(outbound, channel.voidPromise());
        List<HttpContent> waiting = early;
        early = null;
        for (int i = 0; waiting != null && i < waiting.size(); i++) {
            if (backend == null) {
                // The write failed and the exchange with it: what is left goes nowhere.
                waiting.subList(i, waiting.size()).forEach(ReferenceCountUtil::release);
                return;
            }
            sendContent(waiting.get(i));
        }
    }

    @Override
    public void notAcquired(Throwable cause) {
        head = null;
        fail(cause);
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
        DefaultHttpRequest out = new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), plan.uri(), UNVALIDATED);
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
        headers.set(HttpHeaderNames.HOST, plan.backend().host());
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
        if (done || failure != null) {
            ReferenceCountUtil.release(content);
        }
        else if (backend != null) {
            sendContent(content);
        }
        else if (head != null) {
            if (early == null) {
                early = new ArrayList<>(1);
            }
            early.add(content);
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
     * what it got for the whole body. Answered as Reactor Netty answers a request it cannot decode.
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
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
                Unpooled.EMPTY_BUFFER, UNVALIDATED, UNVALIDATED);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0).set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
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
            answer(response);
        }
        if (msg instanceof HttpContent content) {
            if (!answerBegun) {
                // The end of an informational response, or content before any head.
                ReferenceCountUtil.release(content);
                return;
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
        proxy.tags.write(plan.decision(), headers::set, headers::add);
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
        if (breaker != null && !settled) {
            settled = true;
            breaker.onError(breaker.getCurrentTimestamp() - breakerStart, breaker.getTimestampUnit(), cause);
        }
        failure = BackendFailure.classify(cause);
        error = cause;
        status = failure.status().value();
        String routeId = plan.decision().route().id();
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
        if (early != null) {
            early.forEach(ReferenceCountUtil::release);
            early = null;
        }
        RequestSpans.end(span, status, error);
        String traceId = span == null ? "-" : span.context().traceId();
        proxy.observer.record(plan.decision(), request.method().name(), plan.path(), status,
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

    private void closeBackend() {
        if (backend != null) {
            BackendChannels.attach(backend, null);
            backend.close();
            backend = null;
        }
    }
}
