package dev.strangler.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docker-compose.yml: valid for docker-compose, and wired to what the apps' own configuration says. */
class DockerComposeTest {

    private static final String DAPRD_IMAGE = "daprio/daprd:1.16.";

    private final JsonNode services = YamlDocument.read(RepositoryLayout.resolve("docker-compose.yml")).get(0).tree().path("services");

    @Test
    void dockerComposeAcceptsTheFile() {
        ToolRun run = ToolRun.run(RepositoryLayout.root(), RequiredTool.DOCKER_COMPOSE, "-f", "docker-compose.yml", "config", "-q");
        assertThat(run.exitCode()).as(run.describe()).isZero();
    }

    @Test
    void eachDaprAppHasADaprdSidecarInItsNetworkWithTheAppsIdAndPort() {
        Map<String, JsonNode> sidecars = daprSidecars();
        assertThat(sidecars).hasSize(2);
        List<String> appIds = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : sidecars.entrySet()) {
            JsonNode sidecar = entry.getValue();
            String networkMode = sidecar.path("network_mode").asText();
            assertThat(networkMode).as(entry.getKey() + " network_mode").startsWith("service:");
            String appService = networkMode.substring("service:".length());
            assertThat(services.has(appService)).as(entry.getKey() + " shares the network of " + appService).isTrue();
            AppModule app = AppModule.load(moduleOf(appService));
            List<String> command = command(sidecar);
            assertThat(flag(command, "--app-id")).as(entry.getKey()).isEqualTo(app.applicationName());
            assertThat(flag(command, "--app-port")).as(entry.getKey()).isEqualTo(String.valueOf(app.serverPort()));
            assertThat(command).as("--components-path is deprecated").doesNotContain("--components-path");
            JsonNode appEnv = services.path(appService).path("environment");
            assertThat(appEnv.path("DAPR_HTTP_PORT").asText()).isEqualTo(flag(command, "--dapr-http-port"));
            assertThat(appEnv.path("DAPR_GRPC_PORT").asText(flag(command, "--dapr-grpc-port")))
                    .isEqualTo(flag(command, "--dapr-grpc-port"));
            assertThat(sidecar.path("depends_on").path(appService).isMissingNode()).isFalse();
            appIds.add(flag(command, "--app-id"));
            assertThat(dependsOnCondition(sidecar, "redis")).isEqualTo("service_healthy");
            assertThat(dependsOnCondition(sidecar, "postgres")).as("the state stores' database").isEqualTo("service_healthy");
        }
        assertThat(appIds).containsExactlyInAnyOrder("legacy-monolith", "orders-service");
    }

    @Test
    void appIdsAndPortsAgreeWithTheDaprRunTemplate() {
        JsonNode template = YamlDocument.read(RepositoryLayout.resolve("dapr.yaml")).get(0).tree();
        assertThat(template.path("common").has("resourcesPath")).as("resourcesPath is deprecated in run templates").isFalse();
        assertThat(template.at("/common/resourcesPaths/0").asText()).isEqualTo("./dapr/components");
        Map<String, JsonNode> byDir = new LinkedHashMap<>();
        template.path("apps").forEach(a -> byDir.put(a.path("appDirPath").asText().replaceAll("^\\./|/$", ""), a));
        for (JsonNode sidecar : daprSidecars().values()) {
            String appService = sidecar.path("network_mode").asText().substring("service:".length());
            JsonNode app = byDir.get(moduleOf(appService));
            assertThat(app).as("dapr.yaml runs " + moduleOf(appService)).isNotNull();
            assertThat(flag(command(sidecar), "--app-id")).isEqualTo(app.path("appID").asText());
            assertThat(flag(command(sidecar), "--app-port")).isEqualTo(app.path("appPort").asText());
        }
    }

    @Test
    void daprdReadsTheComposeComponentsAndConfiguration() {
        for (Map.Entry<String, JsonNode> entry : daprSidecars().entrySet()) {
            List<String> command = command(entry.getValue());
            Path components = hostPathOf(entry.getValue(), flag(command, "--resources-path"));
            assertThat(components).isEqualTo(RepositoryLayout.resolve("dapr/compose/components"));
            Path config = hostPathOf(entry.getValue(), flag(command, "--config"));
            assertThat(config).isRegularFile();
            YamlDocument configuration = YamlDocument.read(config).get(0);
            assertThat(DaprComponentShape.violations(configuration)).isEmpty();
            assertThat(configuration.tree().at("/spec/tracing/otel/endpointAddress").asText())
                    .startsWith("jaeger:").satisfies(a -> assertThat(services.has("jaeger")).isTrue());
        }
    }

    @Test
    void sidecarsResolveEachOtherThroughOneSqliteFileNotMdns() {
        Map<String, JsonNode> sidecars = daprSidecars();
        JsonNode any = sidecars.values().iterator().next();
        YamlDocument configuration = YamlDocument.read(hostPathOf(any, flag(command(any), "--config"))).get(0);
        JsonNode nameResolution = configuration.tree().at("/spec/nameResolution");
        assertThat(nameResolution.path("component").asText()).as("mDNS is unreliable inside compose").isEqualTo("sqlite");
        String database = nameResolution.at("/configuration/connectionString").asText();
        String directory = database.substring(0, database.lastIndexOf('/'));
        for (Map.Entry<String, JsonNode> sidecar : sidecars.entrySet()) {
            List<String> volumes = new ArrayList<>();
            sidecar.getValue().path("volumes").forEach(v -> volumes.add(v.asText()));
            String volume = volumes.stream().filter(v -> v.endsWith(":" + directory)).findFirst()
                    .orElseThrow(() -> new AssertionError(sidecar.getKey() + " does not mount " + directory));
            String name = volume.substring(0, volume.indexOf(':'));
            assertThat(name).as("a named volume, shared and writable").doesNotStartWith(".").doesNotStartWith("/");
            assertThat(YamlDocument.read(RepositoryLayout.resolve("docker-compose.yml")).get(0).tree().path("volumes").has(name))
                    .as("volume " + name + " is declared").isTrue();
        }
    }

    @Test
    void gatewayMountsTheRepositorysRoutesDirectoryAndReachesBackendsByServiceName() {
        JsonNode gateway = services.path("gateway-app");
        assertThat(gateway.has("network_mode")).isFalse();
        String routesFile = gateway.path("environment").path("STRANGLER_ROUTES_FILE").asText();
        String containerDir = routesFile.substring(0, routesFile.lastIndexOf('/'));
        Path hostDir = hostPathOf(gateway, containerDir);
        assertThat(hostDir).as("the directory is mounted, not the file (editors save by rename)")
                .isEqualTo(RepositoryLayout.resolve("gateway-app/config")).isDirectory();
        assertThat(hostDir.resolve(routesFile.substring(containerDir.length() + 1)))
                .isEqualTo(RepositoryLayout.resolve("gateway-app/config/routes.yaml")).isRegularFile();
        assertThat(gateway.path("environment").path("LEGACY_URL").asText())
                .isEqualTo("http://legacy-monolith-stub:" + AppModule.load("legacy-monolith-stub").serverPort());
        assertThat(gateway.path("environment").path("ORDERS_URL").asText())
                .isEqualTo("http://orders-service:" + AppModule.load("orders-service").serverPort());
        assertThat(services.has("legacy-monolith-stub")).isTrue();
    }

    @Test
    void appsAreHealthCheckedOnTheirActuatorAndTheGatewayWaitsForHealthyBackends() {
        for (String service : List.of("gateway-app", "legacy-monolith-stub", "orders-service")) {
            AppModule app = AppModule.load(moduleOf(service));
            List<String> test = new ArrayList<>();
            services.path(service).path("healthcheck").path("test").forEach(t -> test.add(t.asText()));
            assertThat(test).as(service + " healthcheck").startsWith("CMD")
                    .contains("http://localhost:" + app.managementPort() + "/actuator/health/readiness");
        }
        assertThat(dependsOnCondition(services.path("gateway-app"), "legacy-monolith-stub")).isEqualTo("service_healthy");
        assertThat(dependsOnCondition(services.path("gateway-app"), "orders-service")).isEqualTo("service_healthy");
        daprSidecars().forEach((name, sidecar) ->
                assertThat(sidecar.has("healthcheck")).as(name + ": daprd's image has no shell or curl").isFalse());
        assertThat(services.path("redis").path("healthcheck").isMissingNode()).isFalse();
    }

    @Test
    void appEnvironmentVariablesAreOnesTheAppsRead() {
        for (String service : List.of("gateway-app", "legacy-monolith-stub", "orders-service")) {
            AppModule app = AppModule.load(moduleOf(service));
            for (Iterator<String> it = services.path(service).path("environment").fieldNames(); it.hasNext(); ) {
                String name = it.next();
                assertThat(app.reads(name)).as(service + " reads " + name).isTrue();
            }
        }
        JsonNode monolith = services.path("legacy-monolith-stub");
        String dataDir = monolith.path("environment").path("LEGACY_DATA_DIR").asText();
        List<String> volumes = new ArrayList<>();
        monolith.path("volumes").forEach(v -> volumes.add(v.asText()));
        assertThat(volumes).as("the monolith's H2 directory survives a restart").anyMatch(v -> v.endsWith(":" + dataDir));
    }

    private Map<String, JsonNode> daprSidecars() {
        Map<String, JsonNode> sidecars = new LinkedHashMap<>();
        services.fields().forEachRemaining(e -> {
            if (e.getValue().path("image").asText().startsWith("daprio/daprd")) {
                assertThat(e.getValue().path("image").asText()).as(e.getKey()).startsWith(DAPRD_IMAGE);
                sidecars.put(e.getKey(), e.getValue());
            }
        });
        return sidecars;
    }

    /** The app module a compose service builds: its build context directory. */
    private String moduleOf(String service) {
        JsonNode build = services.path(service).path("build");
        String context = build.isTextual() ? build.asText() : build.path("context").asText();
        Path dir = RepositoryLayout.root().resolve(context).normalize();
        assertThat(dir.resolve("Dockerfile")).as(service + " build context").isRegularFile();
        return dir.getFileName().toString();
    }

    private static List<String> command(JsonNode service) {
        List<String> command = new ArrayList<>();
        service.path("command").forEach(c -> command.add(c.asText()));
        assertThat(command).as("daprd command as a list").isNotEmpty();
        return command;
    }

    private static String flag(List<String> command, String name) {
        int i = command.indexOf(name);
        assertThat(i).as(name + " in " + command).isNotNegative();
        return command.get(i + 1);
    }

    private static String dependsOnCondition(JsonNode service, String dependency) {
        return service.path("depends_on").path(dependency).path("condition").asText("(none)");
    }

    /** The host path behind a container path, through the service's bind mounts. */
    private static Path hostPathOf(JsonNode service, String containerPath) {
        for (JsonNode volume : service.path("volumes")) {
            String[] parts = volume.asText().split(":");
            if (parts.length < 2 || !(parts[0].startsWith(".") || parts[0].startsWith("/"))) {
                continue;
            }
            String target = parts[1];
            if (containerPath.equals(target) || containerPath.startsWith(target + "/")) {
                return RepositoryLayout.root().resolve(parts[0]).resolve(containerPath.substring(target.length()).replaceFirst("^/", ""))
                        .normalize();
            }
        }
        throw new AssertionError("no bind mount provides " + containerPath + " in " + service);
    }
}
