package dev.strangler.gateway.shadow;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.springframework.http.HttpHeaders;

import dev.strangler.gateway.web.InformationalResponses;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Sends shadow copies. It has its own connection pool and event loop, so a slow or dead shadow backend ties up
 * none of the connections or threads that serve clients, and its own timeout and response size limit.
 */
final class ShadowClient implements AutoCloseable {

    private final ConnectionProvider pool;
    private final LoopResources loops;
    private final HttpClient client;
    private final Duration timeout;
    private final int maxResponseBody;

    ShadowClient(ShadowProperties properties) {
        this.timeout = properties.timeout();
        this.maxResponseBody = (int) properties.maxResponseBody().toBytes();
        this.pool = ConnectionProvider.builder("strangler-shadow")
                .maxConnections(properties.maxInFlight())
                .pendingAcquireTimeout(properties.timeout())
                .maxIdleTime(Duration.ofSeconds(20))
                .build();
        this.loops = LoopResources.create("strangler-shadow", properties.ioThreads(), true);
        this.client = InformationalResponses.droppedBy(HttpClient.create(pool)
                .runOn(loops)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, properties.connectTimeout().toMillis()))
                .followRedirect(false));
    }

    /** The shadow's answer, or a {@link NotCompared} error saying why there is none. */
    Mono<CapturedResponse> send(ShadowRequest request) {
        HttpClient.RequestSender sender = client
                .headers(h -> request.headers().forEach((name, values) -> h.add(name, values)))
                .request(io.netty.handler.codec.http.HttpMethod.valueOf(request.method().name()))
                .uri(request.uri());
        HttpClient.ResponseReceiver<?> receiver = request.body() == null ? sender
                : sender.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(request.body())));
        return receiver.response((response, content) -> content.asByteArray()
                        .collect(() -> new CappedBytes(maxResponseBody), ShadowClient::appendWithinLimit)
                        .map(bytes -> {
                            HttpHeaders headers = new HttpHeaders();
                            response.responseHeaders().forEach(e -> headers.add(e.getKey(), e.getValue()));
                            byte[] body = BodyDecoding.decode(headers, bytes.toByteArray(), maxResponseBody);
                            return new CapturedResponse(response.status().code(), headers, body);
                        }))
                .next()
                .timeout(timeout)
                .onErrorMap(e -> !(e instanceof NotCompared), this::classify);
    }

    private static void appendWithinLimit(CappedBytes bytes, byte[] chunk) {
        bytes.append(chunk);
        if (bytes.overflowed()) {
            throw new NotCompared(NotCompared.Outcome.FAILED, "shadow-body-too-large");
        }
    }

    private NotCompared classify(Throwable e) {
        if (e instanceof TimeoutException) {
            return new NotCompared(NotCompared.Outcome.FAILED, "timeout", new TimeoutException("no complete answer within " + timeout));
        }
        String reason = e instanceof ConnectException || e instanceof io.netty.channel.ConnectTimeoutException ? "connect-failed"
                : e instanceof PrematureCloseException ? "connection-closed"
                : "error";
        return new NotCompared(NotCompared.Outcome.FAILED, reason, e);
    }

    @Override
    public void close() {
        pool.disposeLater().block(Duration.ofSeconds(5));
        // No quiet period: the pool above has closed every connection, so no task can still arrive, and the default
        // two seconds would hold up every shutdown of the gateway.
        loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(6));
    }
}
