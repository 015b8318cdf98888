package dev.strangler.daprdouble;

import com.sun.net.httpserver.HttpServer;
import dev.strangler.daprdouble.config.AppSpec;
import dev.strangler.daprdouble.grpc.DaprGrpcApi;
import dev.strangler.daprdouble.http.SidecarHttpApi;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** The listening side of one sidecar: its gRPC and HTTP ports on loopback. */
final class AppSidecar implements AutoCloseable {

    private final AppSpec app;
    private final Server grpc;
    private final HttpServer http;

    AppSidecar(AppSpec app, DaprGrpcApi grpcApi, SidecarHttpApi httpApi, ExecutorService httpExecutor) {
        this.app = app;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try {
            this.grpc = NettyServerBuilder.forAddress(new InetSocketAddress(loopback, app.grpcPort()))
                    .addService(ServerInterceptors.intercept(grpcApi, DaprGrpcApi.traceInterceptor()))
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for gRPC on port " + app.grpcPort() + " for app-id " + app.appId(), e);
        }
        try {
            this.http = HttpServer.create(new InetSocketAddress(loopback, app.httpPort()), 0);
        } catch (IOException e) {
            grpc.shutdownNow();
            throw new UncheckedIOException("cannot listen for HTTP on port " + app.httpPort() + " for app-id " + app.appId(), e);
        }
        http.createContext("/", httpApi);
        http.setExecutor(httpExecutor);
        http.start();
    }

    AppSpec app() {
        return app;
    }

    int grpcPort() {
        return grpc.getPort();
    }

    int httpPort() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
        grpc.shutdownNow();
        try {
            grpc.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
