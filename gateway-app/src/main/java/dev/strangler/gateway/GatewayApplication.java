package dev.strangler.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import dev.strangler.gateway.cli.Cli;

@SpringBootApplication
public class GatewayApplication {

    /** Reactor Netty's own switch for the number of event loops shared by the server and the backend client. */
    static final String IO_WORKER_COUNT = "reactor.netty.ioWorkerCount";

    public static void main(String[] args) {
        if (Cli.handles(args)) {
            System.exit(new Cli(System.out, System.err).run(args));
        }
        sizeEventLoops(Runtime.getRuntime().availableProcessors());
        SpringApplication.run(GatewayApplication.class, args);
    }

    /**
     * One event loop per CPU the process may use. Reactor Netty's default is at least four, which on a one- or
     * two-core pod means loops preempting each other in the middle of requests: on one core that more than
     * halved the throughput (bench/). An explicit {@code -Dreactor.netty.ioWorkerCount} still wins.
     */
    static void sizeEventLoops(int cpus) {
        if (System.getProperty(IO_WORKER_COUNT) == null) {
            System.setProperty(IO_WORKER_COUNT, Integer.toString(Math.max(1, cpus)));
        }
    }
}
