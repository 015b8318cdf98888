package dev.strangler.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Private nginx instances under the run's temporary directory (never /etc/nginx): the tiny JSON backend that every
 * case calls, and nginx as a reverse proxy in front of it, configured as one would in production
 * (upstream keep-alive, HTTP/1.1 to the backend, no access log).
 */
final class Nginx {

    static final String BODY = "{\"bench\":\"backend\",\"id\":42,\"status\":\"NEW\",\"total\":12.50,"
            + "\"items\":[{\"sku\":\"A-1\",\"qty\":2}]}";

    private Nginx() {
    }

    static Server backend(Path workDir, int port, String cpus) {
        String server = """
                server {
                    listen 127.0.0.1:%d backlog=4096;
                    default_type application/json;
                    location / {
                        return 200 '%s';
                    }
                }
                """.formatted(port, BODY);
        return start("nginx-backend", workDir.resolve("nginx-backend"), port, 1, server, "", cpus);
    }

    static Server proxy(Path workDir, int port, int backendPort, int workers, String cpus) {
        String upstream = """
                upstream backend {
                    server 127.0.0.1:%d;
                    keepalive 128;
                    keepalive_requests 1000000;
                }
                """.formatted(backendPort);
        String server = """
                server {
                    listen 127.0.0.1:%d backlog=4096;
                    location / {
                        proxy_pass http://backend;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                    }
                }
                """.formatted(port);
        return start("nginx-proxy", workDir.resolve("nginx-proxy"), port, workers, server, upstream, cpus);
    }

    private static Server start(String name, Path prefix, int port, int workers, String server, String upstream, String cpus) {
        String conf = """
                worker_processes %d;
                pid %s/nginx.pid;
                error_log %s/error.log warn;
                events {
                    worker_connections 8192;
                }
                http {
                    access_log off;
                    keepalive_requests 1000000;
                    keepalive_timeout 75s;
                    client_body_temp_path %s/tmp/body;
                    proxy_temp_path %s/tmp/proxy;
                    fastcgi_temp_path %s/tmp/fastcgi;
                    uwsgi_temp_path %s/tmp/uwsgi;
                    scgi_temp_path %s/tmp/scgi;
                %s
                %s
                }
                """.formatted(workers, prefix, prefix, prefix, prefix, prefix, prefix, prefix, upstream.indent(4), server.indent(4));
        try {
            Files.createDirectories(prefix.resolve("tmp"));
            Files.writeString(prefix.resolve("nginx.conf"), conf);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(CpuLayout.pin(cpus));
        command.addAll(List.of("nginx", "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString(),
                "-e", prefix.resolve("error.log").toString(), "-g", "daemon off;"));
        return Server.launch(name, port, command, Map.of(), prefix.resolve("stdout.log"));
    }
}
