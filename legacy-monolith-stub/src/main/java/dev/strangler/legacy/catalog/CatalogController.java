package dev.strangler.legacy.catalog;

import java.util.List;

import dev.strangler.legacy.error.ApiException;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api")
class CatalogController {

    private final CatalogRepository catalog;

    CatalogController(CatalogRepository catalog) {
        this.catalog = catalog;
    }

    @GetMapping("/customers")
    List<Customer> customers() {
        return catalog.customers();
    }

    @GetMapping("/customers/{id}")
    Customer customer(@PathVariable long id) {
        return catalog.customer(id).orElseThrow(() -> ApiException.notFound("Customer %d does not exist".formatted(id)));
    }

    @GetMapping("/products")
    List<Product> products() {
        return catalog.products();
    }

    @GetMapping("/products/{id}")
    Product product(@PathVariable long id) {
        return catalog.product(id).orElseThrow(() -> ApiException.notFound("Product %d does not exist".formatted(id)));
    }
}
