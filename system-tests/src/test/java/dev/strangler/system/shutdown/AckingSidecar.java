package dev.strangler.system.shutdown;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.google.protobuf.Empty;
import io.dapr.v1.DaprGrpc;
import io.dapr.v1.DaprProtos;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

/**
 * The gRPC side of a Dapr sidecar that accepts every publish at once, as daprd with a local broker does. The
 * monolith's outbox publisher then spends its time in the database (reading and deleting outbox rows) rather than
 * waiting for the sidecar, which is where a shutdown used to catch it.
 */
final class AckingSidecar implements AutoCloseable {

    private final Server server;
    private final AtomicLong published = new AtomicLong();

    private AckingSidecar() {
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(new DaprGrpc.DaprImplBase() {
                    @Override
                    public void publishEvent(DaprProtos.PublishEventRequest request, StreamObserver<Empty> answer) {
                        published.incrementAndGet();
                        answer.onNext(Empty.getDefaultInstance());
                        answer.onCompleted();
                    }
                })
                .build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the gRPC sidecar stand-in", e);
        }
    }

    static AckingSidecar start() {
        return new AckingSidecar();
    }

    int grpcPort() {
        return server.getPort();
    }

    long published() {
        return published.get();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
}
