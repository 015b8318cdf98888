package dev.strangler.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import dev.strangler.gateway.cli.Cli;

@SpringBootApplication
public class GatewayApplication {

    public static void main(String[] args) {
        if (Cli.handles(args)) {
            System.exit(new Cli(System.out, System.err).run(args));
        }
        SpringApplication.run(GatewayApplication.class, args);
    }
}
