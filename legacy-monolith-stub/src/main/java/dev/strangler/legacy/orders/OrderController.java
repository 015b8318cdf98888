package dev.strangler.legacy.orders;

import java.net.URI;
import java.util.Optional;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/orders", produces = MediaType.APPLICATION_JSON_VALUE)
class OrderController {

    /** Set by the gateway on a shadow copy of a request: validate and answer, but persist and publish nothing. */
    static final String SHADOW_HEADER = "X-Strangler-Shadow";

    private final OrderService orders;

    OrderController(OrderService orders) {
        this.orders = orders;
    }

    @GetMapping
    OrderPage list(@RequestParam(required = false) Long customerId,
                   @RequestParam(defaultValue = "0") int page,
                   @RequestParam(defaultValue = "" + OrderQuery.DEFAULT_SIZE) int size) {
        return orders.list(new OrderQuery(customerId, page, size));
    }

    @GetMapping("/{id}")
    Order get(@PathVariable long id) {
        return orders.get(id);
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Order> create(@RequestBody CreateOrderRequest request,
                                 @RequestHeader(name = IdempotencyKey.HEADER, required = false) String idempotencyKey,
                                 @RequestHeader(name = SHADOW_HEADER, required = false) String shadow) {
        OrderDraft draft = OrderDraft.from(request);
        Optional<IdempotencyKey> key = IdempotencyKey.fromHeader(idempotencyKey);
        CreateOutcome outcome = isShadow(shadow) ? orders.dryRunCreate(draft, key) : orders.create(draft, key);
        return ResponseEntity.status(outcome.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .location(URI.create("/api/orders/" + outcome.order().id()))
                .body(outcome.order());
    }

    @PostMapping("/{id}/cancel")
    Order cancel(@PathVariable long id, @RequestHeader(name = SHADOW_HEADER, required = false) String shadow) {
        return isShadow(shadow) ? orders.dryRunCancel(id) : orders.cancel(id);
    }

    private static boolean isShadow(String header) {
        return "true".equalsIgnoreCase(header);
    }
}
