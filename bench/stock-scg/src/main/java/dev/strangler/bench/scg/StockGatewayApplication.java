package dev.strangler.bench.scg;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The baseline the gateway is compared with: Spring Cloud Gateway with its defaults and routes from
 * configuration only (application.yml, or a generated file for the route-count cases). No code of its own.
 */
@SpringBootApplication
public class StockGatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(StockGatewayApplication.class, args);
    }
}
