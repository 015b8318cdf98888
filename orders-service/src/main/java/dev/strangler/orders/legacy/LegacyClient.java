package dev.strangler.orders.legacy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.orders.config.OrdersProperties;
import dev.strangler.orders.config.SidecarHttp;
import dev.strangler.orders.error.ProblemType;
import dev.strangler.orders.error.UnavailableException;
import dev.strangler.orders.order.Order;

import org.springframework.stereotype.Component;

/**
 * The monolith, reached through Dapr service invocation (app-id {@code legacy-monolith}): its catalog, single orders
 * for read-through, and keyset pages of all its orders for backfill and reconciliation.
 */
@Component
public class LegacyClient {

    record CatalogEntry(long id, BigDecimal unitPrice) {
    }

    private final SidecarHttp sidecar;
    private final ObjectMapper json;
    private final OrdersProperties properties;

    LegacyClient(SidecarHttp sidecar, ObjectMapper json, OrdersProperties properties) {
        this.sidecar = sidecar;
        this.json = json;
        this.properties = properties;
    }

    public Optional<Order> findOrder(long id) {
        HttpResponse<byte[]> response = get("/api/orders/" + id);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of(read(ok(response), new TypeReference<Order>() { }));
    }

    /** Orders with ids above {@code afterId}, ascending, at most {@code limit}. */
    public LegacyPage page(long afterId, int limit) {
        return read(ok(get("/internal/sync/orders?afterId=" + afterId + "&limit=" + limit)), new TypeReference<LegacyPage>() { });
    }

    List<CatalogEntry> customers() {
        return read(ok(get("/api/customers")), new TypeReference<List<CatalogEntry>>() { });
    }

    List<CatalogEntry> products() {
        return read(ok(get("/api/products")), new TypeReference<List<CatalogEntry>>() { });
    }

    private HttpResponse<byte[]> get(String path) {
        try {
            return sidecar.get(properties.legacyAppId(), path);
        } catch (IOException e) {
            throw unavailable("The Dapr sidecar cannot be reached to call the legacy system; try again", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("Interrupted while calling the legacy system", e);
        }
    }

    private byte[] ok(HttpResponse<byte[]> response) {
        if (response.statusCode() != 200) {
            throw unavailable("The legacy system answered " + response.statusCode() + "; try again", null);
        }
        return response.body();
    }

    private <T> T read(byte[] body, TypeReference<T> type) {
        try {
            return json.readValue(body, type);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable answer from the legacy system", e);
        }
    }

    private UnavailableException unavailable(String detail, Throwable cause) {
        return new UnavailableException(ProblemType.LEGACY_UNAVAILABLE, detail, properties.retryAfter(), cause);
    }
}
