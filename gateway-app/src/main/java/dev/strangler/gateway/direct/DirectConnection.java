package dev.strangler.gateway.direct;

import java.util.ArrayDeque;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * One client connection's place in the public port's pipeline, between Netty's HTTP codec and Reactor Netty's
 * request handling. Each request either becomes a {@link DirectExchange} here or is passed on to Reactor Netty
 * (and Spring Cloud Gateway), and the responses leave in the order the requests came: while one path is answering,
 * a pipelined request waits its turn.
 */
final class DirectConnection extends ChannelDuplexHandler {

    private final DirectProxy proxy;
    private final BackendChannels.Transport transport;
    private final IdleTimeout idleTimeout;
    private final String scheme;
    /** Answers after which the connection closes, as Reactor Netty's maxKeepAliveRequests; 0 for no limit. */
    private final int maxKeepAliveRequests;
    /** Answers begun on this connection, by either path: Reactor Netty counts only those it writes. */
    private int answers;
    /** Whether the exchange now answering gives the connection's last answer. */
    private boolean lastAnswer;
    /** Whether the connection closes once the answer Reactor Netty is writing has ended. */
    private boolean closeAfterPassedOnAnswer;
    private DirectExchange exchange;
    /** Requests passed on to Reactor Netty whose response has not been written to its end. */
    private int passedOnResponses;
    /** Whether the request content now arriving belongs to a request passed on. */
    private boolean passingOn;
    /** Messages read while an exchange was answering, in order; null when none wait. */
    private ArrayDeque<Object> held;
    /** A close asked for while an exchange was answering (a graceful shutdown): done when the exchange ends. */
    private ChannelPromise closeWhenDone;
    /** Set once a response has said the connection closes: nothing read after it is served. */
    private boolean closing;

    /**
     * @param maxKeepAliveRequests the answers after which the connection closes, or 0 for no limit
     */
    DirectConnection(DirectProxy proxy, BackendChannels.Transport transport, IdleTimeout idleTimeout, boolean tls,
            int maxKeepAliveRequests) {
        this.proxy = proxy;
        this.maxKeepAliveRequests = maxKeepAliveRequests;
        this.transport = transport;
        this.idleTimeout = idleTimeout;
        this.scheme = tls ? "https" : "http";
    }

    /** The scheme the client used, for X-Forwarded-Proto. */
    String scheme() {
        return scheme;
    }

    /** Whether the exchange now answering gives the last answer the connection may carry: it then closes. */
    boolean lastAnswer() {
        return lastAnswer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (held != null) {
            held.add(msg);
            return;
        }
        dispatch(ctx, msg);
    }

    private void dispatch(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            // Reactor Netty drops what follows a response that closes the connection; so does this path.
            if (passingOn && !(msg instanceof HttpRequest)) {
                ctx.fireChannelRead(msg);
            }
            else {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        if (msg instanceof HttpRequest request) {
            if (exchange != null) {
                held = new ArrayDeque<>();
                held.add(msg);
                ctx.channel().config().setAutoRead(false);
                return;
            }
            // Whichever path serves it, the connection is busy until its answer has gone.
            idleTimeout.suspend(ctx);
            Plan plan = passedOnResponses == 0 && closeWhenDone == null && transport != null && !(msg instanceof HttpContent)
                    ? proxy.plan(request) : null;
            if (plan == null || plan.handedOver() != null) {
                passingOn = true;
                passedOnResponses++;
                idleTimeout.passedOn();
                ctx.fireChannelRead(plan == null ? msg : plan.handedOver());
                return;
            }
            passingOn = false;
            // Reactor Netty reads on demand; this path reads the body as it comes and pushes back with autoRead.
            ctx.channel().config().setAutoRead(true);
            // No answer of Reactor Netty's is outstanding here, so this one is the next on the connection.
            lastAnswer = countAnswer();
            DirectExchange started = new DirectExchange(proxy, this, ctx, transport, request, plan);
            exchange = started;
            try {
                started.start();
            }
            catch (RuntimeException e) {
                // A bug must cost this request (a 502), not the connection's later ones or the in-flight count.
                started.fail(e);
            }
        }
        else if (passingOn) {
            ctx.fireChannelRead(msg);
        }
        else if (msg instanceof HttpContent content && !content.decoderResult().isSuccess()) {
            // The codec reads nothing more on this connection after a malformed message.
            ReferenceCountUtil.release(msg);
            if (exchange != null) {
                exchange.requestMalformed();
            }
            else {
                closing = true;
                ctx.close();
            }
        }
        else if (exchange != null && msg instanceof HttpContent content) {
            exchange.requestContent(content);
        }
        else {
            // The rest of a direct request's body that arrived after its response had ended.
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * Called by the exchange once its response has ended (or the connection has).
     *
     * @param keepOpen whether the connection may serve another request
     */
    void exchangeEnded(ChannelHandlerContext ctx, boolean keepOpen) {
        exchange = null;
        if (!keepOpen || closeWhenDone != null || !ctx.channel().isActive()) {
            closing = true;
            releaseHeld();
            ctx.close(closeWhenDone != null ? closeWhenDone : ctx.newPromise());
            return;
        }
        idleTimeout.resume(ctx);
        ArrayDeque<Object> waiting = held;
        held = null;
        while (waiting != null && !waiting.isEmpty()) {
            if (held != null) {
                held.addAll(waiting);
                return;
            }
            dispatch(ctx, waiting.poll());
        }
        if (held == null && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** Counts one more answer begun on the connection; true for the last one its limit allows. */
    private boolean countAnswer() {
        return maxKeepAliveRequests > 0 && ++answers == maxKeepAliveRequests;
    }

    /** Whether this connection's reads may go on: false while a pipelined request waits its turn. */
    boolean reading() {
        return held == null;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        // Only Reactor Netty's writes pass here (an exchange writes from this handler's place onwards): the end of
        // one of its responses lets the next request be considered for the direct path again.
        boolean informational = msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        if (msg instanceof HttpResponse response && !informational) {
            if (countAnswer()) {
                // Reactor Netty counts only the requests it serves; the count over both paths says this is the last.
                HttpUtil.setKeepAlive(response, false);
                closeAfterPassedOnAnswer = true;
            }
            if (!HttpUtil.isKeepAlive(response)) {
                closing = true;
            }
        }
        if (msg instanceof LastHttpContent && passedOnResponses > 0 && !informational) {
            passedOnResponses--;
            if (closeAfterPassedOnAnswer) {
                ctx.write(msg, promise.unvoid()).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (exchange != null) {
            // Reactor Netty closes connections it sees no request of its own on when the server stops gracefully;
            // an exchange answering here finishes first.
            closeWhenDone = promise;
            return;
        }
        ctx.close(promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.clientClosed();
        }
        releaseHeld();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.clientWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (exchange != null) {
            // The client's connection failed under an exchange: it ends as if the client had gone.
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    private void releaseHeld() {
        if (held != null) {
            held.forEach(ReferenceCountUtil::release);
            held = null;
        }
    }
}
