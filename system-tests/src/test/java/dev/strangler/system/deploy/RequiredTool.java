package dev.strangler.system.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A real tool a deployment check runs. A missing tool fails the test and names the package to install. */
enum RequiredTool {
    LUAJIT("luajit", "install the Debian package luajit (apt-get install -y luajit)"),
    BASH("bash", "install the Debian package bash (apt-get install -y bash)"),
    DOCKER_COMPOSE("docker-compose", "install the Debian package docker-compose (apt-get install -y docker-compose)"),
    PROMTOOL("promtool", "install the Debian package prometheus, which has promtool (apt-get install -y prometheus)"),
    KUBECTL("kubectl", "install kubectl 1.27 or later (with its built-in kustomize), e.g. the kubectl package from the"
            + " Kubernetes project's apt repository (apt-get install -y kubectl)");

    private final String command;
    private final String installHint;

    RequiredTool(String command, String installHint) {
        this.command = command;
        this.installHint = installHint;
    }

    Path locate() {
        String path = System.getenv().getOrDefault("PATH", "");
        List<String> dirs = List.of(path.split(File.pathSeparator));
        for (String dir : dirs) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return fail(command + " is not on PATH: " + installHint);
    }
}
