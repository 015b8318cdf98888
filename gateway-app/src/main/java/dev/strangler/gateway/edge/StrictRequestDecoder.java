package dev.strangler.gateway.edge;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.springframework.http.HttpStatus;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ByteProcessor;

/**
 * Netty's request decoder without the leniencies a request smuggler uses. Netty 4.1 (HttpObjectDecoder) reads a chunk
 * size into an int that wraps ({@code 100000005} is read as 5), ends a chunk size at any space or control character
 * ({@code 5 xyz} is 5) and skips leading whitespace; it joins obs-folded header lines into the previous value; and it
 * drops Content-Length when Transfer-Encoding: chunked is present. A front proxy that reads any of these otherwise
 * than the gateway does disagrees with it about where a request ends. Each is refused here as Netty refuses what it
 * cannot read: the message or chunk gets a failed decoder result, and nothing more is read from the connection.
 *
 * <p>It also keeps the header-read timeout ({@code strangler.edge.header-read-timeout}): a request head must arrive
 * whole within it, counted from the connection's start or from the head's first byte; otherwise the connection gets a
 * failed request whose rejection is a 408. Nginx's {@code client_header_timeout} works the same way.
 *
 * <p>The decoding itself stays Netty's: this class only looks at the bytes before Netty reads them, and follows
 * Netty's states from what it emits and how much it consumed. One instance per connection.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {

    /** Where the connection's bytes are, as far as framing goes. */
    private enum Framing { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILER, BROKEN }

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private final Queue<HttpMethod> methods;
    private final long headerTimeoutNanos;
    private final FoldFinder folds = new FoldFinder();
    private Framing framing = Framing.HEAD;
    /** Whether some bytes of the current head have been consumed already, so the next byte starts a line. */
    private boolean headBegun;
    private long chunkLeft;
    /** Content-Length lines in the head being read: Netty keeps the first of several in an HTTP/1.0 request. */
    private int contentLengths;
    /** When the head being read began ({@link System#nanoTime()}), or -1 while none is being read. */
    private long headSince = -1;
    private ScheduledFuture<?> headCheck;

    /**
     * @param methods       the method of every request decoded, in order, for the response encoder
     * @param headerTimeout how long a request head may take to arrive, or null for no limit
     */
    StrictRequestDecoder(HttpDecoderConfig config, Queue<HttpMethod> methods, Duration headerTimeout) {
        super(config);
        this.methods = methods;
        this.headerTimeoutNanos = headerTimeout == null || headerTimeout.isZero() ? 0 : headerTimeout.toNanos();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        // A connection that says nothing is held to the same limit as one that says too little.
        headStarted(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelHeadCheck();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        // An upgrade (a WebSocket handshake) takes the decoder out of the pipeline.
        cancelHeadCheck();
        super.handlerRemoved0(ctx);
    }

    @Override
    public void reset() {
        super.reset();
        framing = Framing.HEAD;
        headBegun = false;
        contentLengths = 0;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (framing == Framing.BROKEN) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int start = in.readerIndex();
        int sizeLine = 0;
        if (framing == Framing.HEAD && folds.folded(in, headBegun)) {
            refuse(in, out, Rejection.badFraming("A header line starts with whitespace (obs-fold, RFC 9112 section 5.2)."),
                    true);
            return;
        }
        if (framing == Framing.CHUNK_SIZE) {
            int lf = in.indexOf(start, in.writerIndex(), LF);
            if (lf >= 0) {
                long size = chunkSize(in, start, lf);
                if (size < 0) {
                    refuse(in, out, Rejection.badFraming("Invalid chunk size line (RFC 9112 section 7.1)."), false);
                    return;
                }
                sizeLine = lf + 1 - start;
                chunkLeft = size;
                framing = size == 0 ? Framing.TRAILER : Framing.CHUNK_DATA;
            }
        }
        int before = out.size();
        super.decode(ctx, in, out);
        follow(ctx, in, out, before, in.readerIndex() - start - sizeLine);
    }

    /** Moves {@link #framing} along with what Netty emitted and consumed ({@code consumed} leaves out a chunk size line). */
    private void follow(ChannelHandlerContext ctx, ByteBuf in, List<Object> out, int before, int consumed) {
        int data = 0;
        boolean messageEnded = false;
        for (int i = before; i < out.size(); i++) {
            Object msg = out.get(i);
            if (msg instanceof DecoderResultProvider provider && provider.decoderResult().isFailure()) {
                // Netty refused it itself and reads nothing more; nor does this.
                framing = Framing.BROKEN;
            }
            if (msg instanceof HttpRequest request) {
                methods.add(request.method());
                headSince = -1;
                messageEnded = true;
                if (contentLengths > 1 && request.decoderResult().isSuccess()) {
                    request.setDecoderResult(DecoderResult.failure(
                            Rejection.badFraming("The request has more than one Content-Length header (RFC 9112 section 6.3).")));
                    framing = Framing.BROKEN;
                }
                contentLengths = 0;
                if (framing != Framing.BROKEN) {
                    framing = HttpUtil.isTransferEncodingChunked(request) ? Framing.CHUNK_SIZE : Framing.BODY;
                }
            }
            if (msg instanceof LastHttpContent) {
                messageEnded = true;
                if (framing != Framing.BROKEN) {
                    framing = Framing.HEAD;
                }
            }
            else if (msg instanceof HttpContent content) {
                data += content.content().readableBytes();
            }
        }
        if (framing == Framing.CHUNK_DATA || framing == Framing.CHUNK_END) {
            chunkLeft -= data;
            if (chunkLeft == 0) {
                // Netty reads the CRLF after a chunk's data in the same step when it has arrived.
                framing = consumed - data == 2 ? Framing.CHUNK_SIZE : Framing.CHUNK_END;
            }
        }
        if (framing == Framing.HEAD) {
            // Netty consumes whole header lines only: what it left starts a line of the same head, unless a message
            // ended here and what is left starts the next one.
            headBegun = messageEnded ? false : headBegun || consumed > 0;
            if (headSince < 0 && (headBegun || in.isReadable())) {
                headStarted(ctx);
            }
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (framing == Framing.BROKEN) {
            // Netty would report the close in the middle of the message this refused as a second failure.
            in.skipBytes(in.readableBytes());
            return;
        }
        super.decodeLast(ctx, in, out);
    }

    /**
     * The size of a chunk size line {@code [start, lf)}, or -1 when it is not {@code 1*HEXDIG [ BWS ";" ext ] CRLF}
     * with a size an int holds, which is all Netty can read.
     */
    static long chunkSize(ByteBuf in, int start, int lf) {
        int end = lf - 1;
        if (end < start || in.getByte(end) != CR) {
            return -1;
        }
        long size = 0;
        int i = start;
        for (; i < end; i++) {
            int digit = Character.digit(in.getByte(i), 16);
            if (digit < 0) {
                break;
            }
            size = size * 16 + digit;
            if (size > Integer.MAX_VALUE) {
                return -1;
            }
        }
        if (i == start) {
            return -1;
        }
        while (i < end && (in.getByte(i) == ' ' || in.getByte(i) == '\t')) {
            i++;
        }
        if (i == end) {
            return size;
        }
        if (in.getByte(i) != ';') {
            return -1;
        }
        for (; i < end; i++) {
            byte b = in.getByte(i);
            if ((b < 0x20 && b != '\t') || b == 0x7f) {
                return -1;
            }
        }
        return size;
    }

    /** Refuses the message whose head or chunk is being read, and reads nothing more from the connection. */
    private void refuse(ByteBuf in, List<Object> out, Rejection rejection, boolean head) {
        in.skipBytes(in.readableBytes());
        framing = Framing.BROKEN;
        headSince = -1;
        if (head) {
            out.add(failedRequest(rejection));
        }
        else {
            LastHttpContent chunk = new DefaultLastHttpContent();
            chunk.setDecoderResult(DecoderResult.failure(rejection));
            out.add(chunk);
        }
    }

    private HttpMessage failedRequest(Rejection rejection) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        request.setDecoderResult(DecoderResult.failure(rejection));
        methods.add(request.method());
        return request;
    }

    private void headStarted(ChannelHandlerContext ctx) {
        if (headerTimeoutNanos == 0) {
            return;
        }
        headSince = System.nanoTime();
        if (headCheck == null) {
            headCheck = ctx.executor().schedule(() -> checkHead(ctx), headerTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Runs at most once per timeout period per connection, however many requests it serves: a head that was read in
     * time leaves nothing to do, and a newer one is checked again when its own time is up.
     */
    private void checkHead(ChannelHandlerContext ctx) {
        headCheck = null;
        if (headSince < 0 || framing == Framing.BROKEN || !ctx.channel().isActive()) {
            return;
        }
        long left = headSince + headerTimeoutNanos - System.nanoTime();
        if (left > 0) {
            headCheck = ctx.executor().schedule(() -> checkHead(ctx), left, TimeUnit.NANOSECONDS);
            return;
        }
        framing = Framing.BROKEN;
        headSince = -1;
        ctx.fireChannelRead(failedRequest(new Rejection(HttpStatus.REQUEST_TIMEOUT, "header-timeout", "Request header timeout",
                "The request head did not arrive within " + Duration.ofNanos(headerTimeoutNanos).toMillis() + " ms.")));
        ctx.fireChannelReadComplete();
    }

    private void cancelHeadCheck() {
        if (headCheck != null) {
            headCheck.cancel(false);
            headCheck = null;
        }
    }

    @Override
    protected AsciiString splitHeaderName(byte[] sb, int start, int length) {
        AsciiString name = super.splitHeaderName(sb, start, length);
        if (framing == Framing.HEAD && HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)) {
            contentLengths++;
        }
        return name;
    }

    /**
     * Refuses a request with both Transfer-Encoding: chunked and Content-Length (RFC 9112 section 6.1: it "ought to
     * be handled as an error"), which Netty would read as chunked after dropping the length.
     */
    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw Rejection.badFraming("The request has both Transfer-Encoding and Content-Length (RFC 9112 section 6.1).");
    }

    /**
     * Finds a header line that begins with a space or tab (obs-fold), which Netty would join to the line before, in
     * the head bytes not yet read; it stops at the empty line that ends the head.
     */
    private static final class FoldFinder implements ByteProcessor {
        private boolean afterLf;
        private boolean folded;

        boolean folded(ByteBuf in, boolean lineStart) {
            int from = in.readerIndex();
            int to = in.writerIndex();
            if (!lineStart) {
                // Netty skips control characters and whitespace before a request line; so does this.
                while (from < to && isControlOrSpace(in.getByte(from))) {
                    from++;
                }
            }
            afterLf = lineStart;
            folded = false;
            if (from < to) {
                in.forEachByte(from, to - from, this);
            }
            return folded;
        }

        @Override
        public boolean process(byte b) {
            if (afterLf) {
                if (b == ' ' || b == '\t') {
                    folded = true;
                    return false;
                }
                if (b == CR || b == LF) {
                    return false;
                }
            }
            afterLf = b == LF;
            return true;
        }

        private static boolean isControlOrSpace(byte b) {
            return (b >= 0 && b <= ' ') || b == 0x7f;
        }
    }
}
