package dev.strangler.system.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.strangler.system.support.AppProcess;
import dev.strangler.system.support.AppSpec;
import dev.strangler.system.support.Repo;

/** Stopping the gateway (SIGTERM, as Kubernetes does) lets requests in flight finish. */
class GatewayShutdownTest {

    @Test
    void inFlightRequestFinishesWhenTheGatewayIsStopped() throws Exception {
        CountDownLatch received = new CountDownLatch(1);
        HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.setExecutor(Executors.newCachedThreadPool());
        backend.createContext("/", exchange -> {
            received.countDown();
            try {
                Thread.sleep(2_000);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{\"slow\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
        Path routes = Files.createDirectories(Repo.target("gateway-shutdown")).resolve("routes.yaml");
        Files.writeString(routes, """
                backends:
                  legacy: { url: "http://127.0.0.1:%d" }
                defaultBackend: legacy
                routes: []
                """.formatted(backend.getAddress().getPort()));
        try (AppProcess gateway = AppProcess.start(AppSpec.of("gateway-app").named("shutdown-gateway")
                .withPorts("server.port", "management.server.port")
                .healthCheck("management.server.port", "/actuator/health/readiness")
                .withEnv("STRANGLER_ROUTES_FILE", routes.toString()))) {
            CompletableFuture<HttpResponse<String>> inFlight = HttpClient.newHttpClient().sendAsync(
                    HttpRequest.newBuilder(gateway.uri("/slow")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(received.await(30, TimeUnit.SECONDS)).as("request reached the backend").isTrue();
            gateway.stop();
            HttpResponse<String> response = inFlight.get(30, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"slow\":true}");
        }
        finally {
            backend.stop(0);
        }
    }
}
