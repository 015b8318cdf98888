package dev.strangler.system.shutdown;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
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
 * waiting for the sidecar, which is where a shutdown used to catch it. It records the CloudEvent id of every
 * publish, and can hold publishes unanswered until the test releases them.
 */
final class AckingSidecar implements AutoCloseable {

    private final Server server;
    private final AtomicLong published = new AtomicLong();
    private final List<String> eventIds = new CopyOnWriteArrayList<>();
    private final CountDownLatch held = new CountDownLatch(1);
    private volatile CountDownLatch release = new CountDownLatch(0);

    private AckingSidecar() {
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(new DaprGrpc.DaprImplBase() {
                    @Override
                    public void publishEvent(DaprProtos.PublishEventRequest request, StreamObserver<Empty> answer) {
                        eventIds.add(request.getMetadataMap().getOrDefault("cloudevent.id", ""));
                        held.countDown();
                        awaitRelease();
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

    /** The CloudEvent id of every publish received, answered or not, in order. */
    List<String> eventIds() {
        return List.copyOf(eventIds);
    }

    /** From now on publishes stay unanswered until {@link #releasePublishes()}. */
    void holdPublishes() {
        release = new CountDownLatch(1);
    }

    void awaitHeldPublish(Duration timeout) throws InterruptedException {
        if (!held.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("no publish reached the sidecar within " + timeout);
        }
    }

    void releasePublishes() {
        release.countDown();
    }

    private void awaitRelease() {
        try {
            release.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        releasePublishes();
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
}
