package dev.strangler.daprdouble.config;

/** One app-id the double serves as a sidecar: the app's own port, and the sidecar's gRPC and HTTP ports (0 = random). */
public record AppSpec(String appId, int appPort, int grpcPort, int httpPort) {

    public AppSpec {
        if (appId == null || !appId.matches("[a-zA-Z0-9][a-zA-Z0-9._-]*")) {
            throw new IllegalArgumentException("invalid app-id '" + appId + "': use letters, digits, '.', '_' or '-'");
        }
        if (appId.contains("||")) {
            throw new IllegalArgumentException("app-id '" + appId + "' must not contain '||'");
        }
    }

    /**
     * Parses the command-line form {@code orders-service=8082,grpc=50012,http=3512}; grpc and http are optional.
     */
    public static AppSpec parse(String text) {
        String[] parts = text.split(",");
        String[] head = parts[0].split("=", 2);
        if (head.length != 2) {
            throw new IllegalArgumentException("--app expects APP_ID=APP_PORT[,grpc=PORT][,http=PORT], got '" + text + "'");
        }
        int grpc = 0;
        int http = 0;
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("--app option '" + parts[i] + "' is not key=value in '" + text + "'");
            }
            switch (kv[0].trim()) {
                case "grpc" -> grpc = port(kv[1], text);
                case "http" -> http = port(kv[1], text);
                default -> throw new IllegalArgumentException("--app knows grpc= and http=, not '" + kv[0] + "' in '" + text + "'");
            }
        }
        return new AppSpec(head[0].trim(), port(head[1], text), grpc, http);
    }

    private static int port(String value, String context) {
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' is not a port in --app '" + context + "'");
        }
    }
}
