package dev.strangler.legacy.support;

import java.nio.file.Path;

import dev.strangler.legacy.LegacyMonolithApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** The monolith started in-process on a random port over a given data directory, for tests that restart it. */
public record RunningMonolith(ConfigurableApplicationContext context, Http http) implements AutoCloseable {

    public static RunningMonolith start(Path dataDir) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(LegacyMonolithApplication.class)
                .run("--server.port=0", "--legacy.data-dir=" + dataDir);
        int port = ((ServletWebServerApplicationContext) context).getWebServer().getPort();
        return new RunningMonolith(context, new Http("http://127.0.0.1:" + port));
    }

    @Override
    public void close() {
        context.close();
    }
}
