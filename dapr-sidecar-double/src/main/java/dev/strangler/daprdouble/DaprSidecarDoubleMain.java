package dev.strangler.daprdouble;

import dev.strangler.daprdouble.config.AppSpec;
import dev.strangler.daprdouble.config.DeliverySettings;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** Runs the double as a process, for ./dev.sh and tests that start apps as separate processes. */
public final class DaprSidecarDoubleMain {

    private static final String USAGE = """
            Dapr sidecar test double (not daprd; docker compose, Kubernetes and `dapr run -f .` run the real daprd)

            java -jar dapr-sidecar-double.jar --app APP_ID=APP_PORT[,grpc=PORT][,http=PORT] [--app ...]
                 [--resources-path dapr/components] [--data-file FILE] [--admin-port PORT]
                 [--delivery-concurrency 1]

            Delivery retries come from the kind: Resiliency resource in the resources path, as for daprd.
            """;

    private DaprSidecarDoubleMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        DaprSidecarDouble.Builder builder = DaprSidecarDouble.builder();
        int concurrency = DeliverySettings.defaults().concurrency();
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--help") || arg.equals("-h")) {
                    System.out.println(USAGE);
                    return;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                String value = args[++i];
                switch (arg) {
                    case "--app" -> builder.app(AppSpec.parse(value));
                    case "--resources-path" -> builder.resourcesPath(Path.of(value));
                    case "--data-file" -> builder.dataFile(Path.of(value));
                    case "--admin-port" -> builder.adminPort(Integer.parseInt(value));
                    case "--delivery-concurrency" -> concurrency = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            builder.delivery(new DeliverySettings(concurrency));
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        DaprSidecarDouble dapr;
        try {
            dapr = builder.start();
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dapr.close();
            stopped.countDown();
        }, "dapr-double-shutdown"));
        stopped.await();
    }
}
