package dev.strangler.system.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to launch one app module's jar as a process.
 *
 * @param module             the module whose {@code target/<module>.jar} runs
 * @param name               names the log file ({@code target/app-logs/<name>.log}) and working directory
 * @param args               program arguments after the port arguments
 * @param env                environment variables added to the test JVM's own
 * @param jvmArgs            JVM options before {@code -jar}
 * @param portProperties     Spring properties that each get a free port, passed as {@code --<property>=<port>}
 * @param healthPortProperty which of those ports serves the health check
 * @param healthPath         path that answers 200 once the app is ready
 * @param startTimeout       how long to wait for the health check
 */
public record AppSpec(String module, String name, List<String> args, Map<String, String> env, List<String> jvmArgs,
                      List<String> portProperties, String healthPortProperty, String healthPath,
                      Duration startTimeout) {

    public AppSpec {
        args = List.copyOf(args);
        env = Map.copyOf(env);
        jvmArgs = List.copyOf(jvmArgs);
        portProperties = List.copyOf(portProperties);
        if (!portProperties.contains(healthPortProperty)) {
            throw new IllegalArgumentException("health port property " + healthPortProperty + " is not among " + portProperties);
        }
    }

    /** A Spring Boot app on one random {@code server.port}, ready when {@code /actuator/health/readiness} answers 200. */
    public static AppSpec of(String module) {
        return new AppSpec(module, module, List.of(), Map.of(), List.of(), List.of("server.port"), "server.port",
                "/actuator/health/readiness", Duration.ofSeconds(120));
    }

    public AppSpec named(String newName) {
        return new AppSpec(module, newName, args, env, jvmArgs, portProperties, healthPortProperty, healthPath, startTimeout);
    }

    public AppSpec withArgs(String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return new AppSpec(module, name, all, env, jvmArgs, portProperties, healthPortProperty, healthPath, startTimeout);
    }

    public AppSpec withEnv(String variable, String value) {
        Map<String, String> all = new LinkedHashMap<>(env);
        all.put(variable, value);
        return new AppSpec(module, name, args, all, jvmArgs, portProperties, healthPortProperty, healthPath, startTimeout);
    }

    public AppSpec withJvmArgs(String... more) {
        List<String> all = new ArrayList<>(jvmArgs);
        all.addAll(List.of(more));
        return new AppSpec(module, name, args, env, all, portProperties, healthPortProperty, healthPath, startTimeout);
    }

    /** Gives each property its own free port; e.g. {@code withPorts("server.port", "management.server.port")}. */
    public AppSpec withPorts(String... properties) {
        return new AppSpec(module, name, args, env, jvmArgs, List.of(properties), properties[0], healthPath, startTimeout);
    }

    public AppSpec healthCheck(String portProperty, String path) {
        return new AppSpec(module, name, args, env, jvmArgs, portProperties, portProperty, path, startTimeout);
    }

    public AppSpec startTimeout(Duration timeout) {
        return new AppSpec(module, name, args, env, jvmArgs, portProperties, healthPortProperty, healthPath, timeout);
    }
}
