package dev.strangler.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** k8s/: every manifest parses with fabric8's models, kustomize builds, and the pieces refer to each other correctly. */
class KubernetesManifestsTest {

    private static final String NAMESPACE = "strangler";
    /** Databases the local overlay runs for Dapr: not Spring Boot apps, so no actuator probes and no app settings. */
    private static final Set<String> INFRASTRUCTURE = Set.of("redis", "postgres");
    private static ClusterResources local;

    @BeforeAll
    static void buildLocalOverlay() {
        local = ClusterResources.build("k8s/overlays/local");
    }

    @Test
    void everyManifestUnderK8sParsesWithoutUnknownFields() {
        List<String> problems = new ArrayList<>();
        int documents = 0;
        for (Path file : RepositoryLayout.manifestFiles("k8s")) {
            if (file.getFileName().toString().equals("routes.yaml")) {
                continue;
            }
            for (YamlDocument document : YamlDocument.read(file)) {
                documents++;
                problems.addAll(ManifestChecks.problems(document));
            }
        }
        assertThat(documents).isGreaterThanOrEqualTo(15);
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/local"})
    void kustomizeBuildsAndItsOutputParsesWithoutUnknownFields(String dir) {
        ClusterResources built = ClusterResources.build(dir);
        List<String> problems = new ArrayList<>();
        for (YamlDocument document : built.documents()) {
            problems.addAll(ManifestChecks.problems(document));
            assertThat(document.tree().at("/metadata/namespace").asText(NAMESPACE))
                    .as(document + " namespace").isIn(NAMESPACE, "");
        }
        assertThat(problems).isEmpty();
        assertThat(built.documents()).extracting(YamlDocument::kind)
                .contains("Namespace", "ServiceAccount", "Deployment", "Service", "ConfigMap", "PodDisruptionBudget",
                        "HorizontalPodAutoscaler", "Component", "PersistentVolumeClaim", "NetworkPolicy");
    }

    @Test
    void routesCopyInK8sIsIdenticalToTheGatewaysRoutesFile() {
        assertThat(RepositoryLayout.read(RepositoryLayout.resolve("k8s/base/routes.yaml")))
                .as("k8s/base/routes.yaml must be a byte-identical copy: cp gateway-app/config/routes.yaml k8s/base/routes.yaml")
                .isEqualTo(RepositoryLayout.read(RepositoryLayout.resolve("gateway-app/config/routes.yaml")));
    }

    @Test
    void routesConfigMapKeepsItsNameAndReachesTheGatewayAsAWholeDirectory() {
        ConfigMap routes = local.find(ConfigMap.class, NAMESPACE, "strangler-routes")
                .orElseThrow(() -> new AssertionError("ConfigMap strangler-routes (with no hash suffix) is not rendered"));
        assertThat(routes.getData()).containsOnlyKeys("routes.yaml");
        assertThat(routes.getData().get("routes.yaml"))
                .isEqualTo(RepositoryLayout.read(RepositoryLayout.resolve("gateway-app/config/routes.yaml")));

        Deployment gateway = deployment("gateway-app");
        PodSpec pod = gateway.getSpec().getTemplate().getSpec();
        Volume volume = pod.getVolumes().stream()
                .filter(v -> v.getConfigMap() != null && "strangler-routes".equals(v.getConfigMap().getName()))
                .findFirst().orElseThrow(() -> new AssertionError("gateway-app does not mount ConfigMap strangler-routes"));
        Container container = pod.getContainers().get(0);
        VolumeMount mount = container.getVolumeMounts().stream()
                .filter(m -> m.getName().equals(volume.getName())).findFirst().orElseThrow();
        assertThat(mount.getSubPath()).as("a subPath mount never sees the kubelet's ..data symlink swap").isNull();
        assertThat(env(container, "STRANGLER_ROUTES_FILE")).isEqualTo(mount.getMountPath() + "/routes.yaml");
        assertThat(AppModule.load("gateway-app").reads("STRANGLER_ROUTES_FILE")).isTrue();
    }

    @Test
    void everyDeploymentIsProbedOnActuatorHealthGroupsLimitedAndLockedDown() {
        List<Deployment> deployments = local.all(Deployment.class);
        assertThat(deployments).extracting(d -> d.getMetadata().getName())
                .contains("gateway-app", "legacy-monolith", "orders-service");
        for (Deployment deployment : deployments) {
            String name = deployment.getMetadata().getName();
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(name + " runAsNonRoot").isTrue();
            assertThat(local.find(ServiceAccount.class, NAMESPACE, pod.getServiceAccountName()))
                    .as(name + " service account " + pod.getServiceAccountName()).isPresent();
            for (Container container : pod.getContainers()) {
                String where = name + "/" + container.getName();
                assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).as(where + " read-only root").isTrue();
                assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).as(where).isFalse();
                assertThat(container.getSecurityContext().getCapabilities().getDrop()).as(where).contains("ALL");
                assertThat(container.getResources().getRequests()).as(where + " requests").containsKeys("cpu", "memory");
                assertThat(container.getResources().getLimits()).as(where + " limits").containsKeys("cpu", "memory");
                assertThat(container.getReadinessProbe()).as(where + " readiness").isNotNull();
                assertThat(container.getLivenessProbe()).as(where + " liveness").isNotNull();
                if (!INFRASTRUCTURE.contains(name)) {
                    assertThat(httpPath(container.getReadinessProbe())).as(where).isEqualTo("/actuator/health/readiness");
                    assertThat(httpPath(container.getLivenessProbe())).as(where).isEqualTo("/actuator/health/liveness");
                    assertThat(probePort(container, container.getReadinessProbe())).as(where + " probe port")
                            .isEqualTo(AppModule.load(moduleOf(container)).managementPort());
                }
            }
        }
    }

    @Test
    void servicesSelectExistingPodsThroughNamedPorts() {
        for (Service service : local.all(Service.class)) {
            String name = service.getMetadata().getName();
            List<Deployment> selected = local.deploymentsSelectedBy(NAMESPACE, service.getSpec().getSelector());
            assertThat(selected).as("Service " + name + " selects no pod").isNotEmpty();
            for (ServicePort port : service.getSpec().getPorts()) {
                assertThat(port.getName()).as("Service " + name + " port name (Istio protocol selection)")
                        .matches("(http|tcp|grpc)-[a-z0-9-]+");
                String target = port.getTargetPort().getStrVal();
                for (Deployment d : selected) {
                    List<ContainerPort> ports = d.getSpec().getTemplate().getSpec().getContainers().stream()
                            .flatMap(c -> c.getPorts().stream()).toList();
                    assertThat(ports).as("Service " + name + " targetPort " + target + " on " + d.getMetadata().getName())
                            .anyMatch(p -> Objects.equals(p.getName(), target) && p.getContainerPort().equals(port.getPort()));
                }
            }
        }
    }

    @Test
    void daprAnnotationsMatchEachAppsOwnConfiguration() {
        List<Deployment> daprApps = local.all(Deployment.class).stream()
                .filter(d -> "true".equals(annotations(d).get("dapr.io/enabled"))).toList();
        assertThat(daprApps).extracting(d -> annotations(d).get("dapr.io/app-id"))
                .containsExactlyInAnyOrder("legacy-monolith", "orders-service");
        for (Deployment d : daprApps) {
            Container container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            AppModule app = AppModule.load(moduleOf(container));
            assertThat(annotations(d).get("dapr.io/app-id")).as(d.getMetadata().getName()).isEqualTo(app.applicationName());
            assertThat(annotations(d).get("dapr.io/app-port")).isEqualTo(String.valueOf(app.serverPort()));
            assertThat(container.getPorts()).extracting(ContainerPort::getContainerPort).contains(app.serverPort());
        }
        assertThat(annotations(deployment("gateway-app"))).as("the gateway has no Dapr sidecar")
                .doesNotContainKey("dapr.io/enabled");
    }

    @Test
    void environmentVariablesAreOnesTheAppsRead() {
        for (Deployment d : local.all(Deployment.class)) {
            for (Container container : d.getSpec().getTemplate().getSpec().getContainers()) {
                if (container.getEnv() == null || INFRASTRUCTURE.contains(d.getMetadata().getName())) {
                    continue;
                }
                AppModule app = AppModule.load(moduleOf(container));
                for (EnvVar var : container.getEnv()) {
                    assertThat(app.reads(var.getName())).as(app.module() + " reads " + var.getName()).isTrue();
                }
            }
        }
        Container gateway = deployment("gateway-app").getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(env(gateway, "LEGACY_URL")).isEqualTo("http://legacy-monolith:" + AppModule.load("legacy-monolith-stub").serverPort());
        assertThat(env(gateway, "ORDERS_URL")).isEqualTo("http://orders-service:" + AppModule.load("orders-service").serverPort());
        assertThat(local.find(Service.class, NAMESPACE, "legacy-monolith")).isPresent();
        assertThat(local.find(Service.class, NAMESPACE, "orders-service")).isPresent();
    }

    @Test
    void monolithIsASingleWriterOnAPersistentVolume() {
        Deployment monolith = deployment("legacy-monolith");
        assertThat(monolith.getSpec().getReplicas()).isEqualTo(1);
        assertThat(monolith.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        PodSpec pod = monolith.getSpec().getTemplate().getSpec();
        Volume data = pod.getVolumes().stream().filter(v -> v.getPersistentVolumeClaim() != null).findFirst()
                .orElseThrow(() -> new AssertionError("the monolith has no PersistentVolumeClaim volume"));
        assertThat(local.find(PersistentVolumeClaim.class, NAMESPACE, data.getPersistentVolumeClaim().getClaimName())).isPresent();
        Container container = pod.getContainers().get(0);
        String mountPath = container.getVolumeMounts().stream().filter(m -> m.getName().equals(data.getName()))
                .findFirst().orElseThrow().getMountPath();
        assertThat(env(container, "LEGACY_DATA_DIR")).isEqualTo(mountPath);
        assertThat(container.getVolumeMounts()).extracting(VolumeMount::getMountPath).contains("/tmp");
    }

    @Test
    void disruptionBudgetsAndAutoscalerTargetWorkloadsThatCanHonourThem() {
        List<PodDisruptionBudget> budgets = local.all(PodDisruptionBudget.class);
        assertThat(budgets).extracting(b -> b.getMetadata().getName()).contains("gateway-app");
        ClusterResources base = ClusterResources.build("k8s/base");
        for (PodDisruptionBudget budget : base.all(PodDisruptionBudget.class)) {
            List<Deployment> selected = base.deploymentsSelectedBy(NAMESPACE, budget.getSpec().getSelector().getMatchLabels());
            assertThat(selected).as("PDB " + budget.getMetadata().getName()).hasSize(1);
            assertThat(selected.get(0).getSpec().getReplicas())
                    .as("PDB " + budget.getMetadata().getName() + " would block every drain")
                    .isGreaterThan(budget.getSpec().getMinAvailable().getIntVal());
        }
        HorizontalPodAutoscaler hpa = local.find(HorizontalPodAutoscaler.class, NAMESPACE, "gateway-app").orElseThrow();
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(local.find(Deployment.class, NAMESPACE, hpa.getSpec().getScaleTargetRef().getName())).isPresent();
        assertThat(hpa.getSpec().getMinReplicas()).isLessThanOrEqualTo(hpa.getSpec().getMaxReplicas());
        for (PodDisruptionBudget budget : budgets) {
            boolean budgetsTheGateway = local.deploymentsSelectedBy(NAMESPACE, budget.getSpec().getSelector().getMatchLabels())
                    .stream().anyMatch(d -> d.getMetadata().getName().equals(hpa.getSpec().getScaleTargetRef().getName()));
            if (budgetsTheGateway) {
                assertThat(hpa.getSpec().getMinReplicas())
                        .as("the HPA may scale the gateway down to where PDB " + budget.getMetadata().getName() + " blocks every drain")
                        .isGreaterThan(budget.getSpec().getMinAvailable().getIntVal());
            }
        }
    }

    @Test
    void theStateStoresConnectionComesFromASecretTheLocalOverlayCreates() {
        Secret secret = local.find(Secret.class, NAMESPACE, "dapr-postgres")
                .orElseThrow(() -> new AssertionError("k8s/base/dapr's state stores read Secret dapr-postgres"));
        assertThat(secret.getData()).containsKeys("connectionString", "user", "password");
        String connection = new String(Base64.getMimeDecoder().decode(secret.getData().get("connectionString")),
                StandardCharsets.UTF_8);
        assertThat(connection).contains("host=postgres ").contains("database=dapr");
        assertThat(local.find(Service.class, NAMESPACE, "postgres")).isPresent();
    }

    /**
     * ADR 0005: the JVM the image starts, given the pod's memory limit as a container gives it, runs the serial collector
     * with a heap that starts small, whatever the machine; here, with 2 CPUs and more than 1,792 MB, its own choice
     * would be G1.
     */
    @Test
    void theGatewaysJvmInItsPodRunsTheSerialCollectorWithAHeapThatGrowsByNeed() throws Exception {
        Container container = deployment("gateway-app").getSpec().getTemplate().getSpec().getContainers().get(0);
        long limit = Quantity.getAmountInBytes(container.getResources().getLimits().get("memory")).longValueExact();
        Matcher options = Pattern.compile("(?m)^ENV JAVA_TOOL_OPTIONS=\"([^\"]*)\"$")
                .matcher(RepositoryLayout.read(RepositoryLayout.resolve("gateway-app/Dockerfile")));
        assertThat(options.find()).as("gateway-app/Dockerfile sets JAVA_TOOL_OPTIONS").isTrue();
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-XX:MaxRAM=" + limit, "-XX:+PrintFlagsFinal", "-version").redirectErrorStream(true);
        builder.environment().put("JAVA_TOOL_OPTIONS", options.group(1));
        Process java = builder.start();
        String flags = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(java.waitFor()).as(flags).isZero();
        assertThat(flag(flags, "UseSerialGC")).isEqualTo("true");
        assertThat(flag(flags, "UseG1GC")).isEqualTo("false");
        assertThat(Long.parseLong(flag(flags, "MaxHeapSize"))).as("75%% of the pod's %d bytes", limit)
                .isBetween(limit * 70 / 100, limit * 75 / 100);
        assertThat(Long.parseLong(flag(flags, "InitialHeapSize"))).as("the JVM's default initial heap, 1/64 of its memory")
                .isLessThanOrEqualTo(limit / 32);
    }

    private static String flag(String printFlagsFinal, String name) {
        Matcher m = Pattern.compile("(?m)^\\s*\\S+\\s+" + name + "\\s+:?=\\s+(\\S+)").matcher(printFlagsFinal);
        assertThat(m.find()).as("-XX:+PrintFlagsFinal prints %s", name).isTrue();
        return m.group(1);
    }

    @Test
    void gatewayManagementPortIsReachableByTheKubeletAndPrometheusOnly() {
        AppModule app = AppModule.load("gateway-app");
        assertThat(app.property("management.server.address")).as("outside a container actuator listens on loopback")
                .contains("127.0.0.1");
        assertThat(app.reads("MANAGEMENT_ADDRESS")).isTrue();
        assertThat(RepositoryLayout.read(RepositoryLayout.resolve("gateway-app/Dockerfile")))
                .as("the image listens on the pod's address, where the kubelet probes and Prometheus scrapes")
                .containsPattern("(?m)^ENV MANAGEMENT_ADDRESS=0\\.0\\.0\\.0$");
        Deployment gateway = deployment("gateway-app");
        Container container = gateway.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getEnv()).as("the Deployment keeps the image's management address")
                .noneMatch(e -> e.getName().equals("MANAGEMENT_ADDRESS"));
        int management = app.managementPort();
        int api = app.serverPort();
        Map<String, String> podLabels = gateway.getSpec().getTemplate().getMetadata().getLabels();

        List<NetworkPolicy> policies = local.all(NetworkPolicy.class).stream()
                .filter(p -> p.getSpec().getPolicyTypes().contains("Ingress"))
                .filter(p -> podLabels.entrySet().containsAll(p.getSpec().getPodSelector().getMatchLabels().entrySet()))
                .toList();
        assertThat(policies).as("an Ingress NetworkPolicy selects the gateway's pods").isNotEmpty();
        boolean apiOpen = false;
        boolean prometheusAllowed = false;
        for (NetworkPolicy policy : policies) {
            for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
                String where = "NetworkPolicy " + policy.getMetadata().getName() + " rule " + rule;
                apiOpen |= opens(rule, container, api);
                if (!opens(rule, container, management)) {
                    continue;
                }
                assertThat(rule.getFrom()).as(where + " opens the management port to everyone").isNotEmpty();
                for (NetworkPolicyPeer peer : rule.getFrom()) {
                    assertThat(peer.getIpBlock()).as(where).isNull();
                    assertThat(peer.getNamespaceSelector()).as(where + ": a peer in this namespace would reach actuator").isNotNull();
                    assertThat(peer.getNamespaceSelector().getMatchLabels())
                            .as(where).containsExactly(Map.entry("kubernetes.io/metadata.name", "monitoring"));
                    assertThat(peer.getPodSelector()).as(where + ": every pod of the monitoring namespace").isNotNull();
                    assertThat(peer.getPodSelector().getMatchLabels()).as(where)
                            .containsEntry("app.kubernetes.io/name", "prometheus");
                    prometheusAllowed = true;
                }
            }
        }
        assertThat(apiOpen).as("the public port stays open").isTrue();
        assertThat(prometheusAllowed).as("Prometheus may scrape the management port").isTrue();
    }

    @Test
    void namespaceGetsIstioSidecars() {
        Namespace namespace = local.find(Namespace.class, null, NAMESPACE).orElseThrow();
        assertThat(namespace.getMetadata().getLabels()).containsEntry("istio-injection", "enabled");
    }

    /** Whether a NetworkPolicy rule lets connections reach this container port (a rule without ports opens all of them). */
    private static boolean opens(NetworkPolicyIngressRule rule, Container container, int port) {
        if (rule.getPorts() == null || rule.getPorts().isEmpty()) {
            return true;
        }
        for (NetworkPolicyPort p : rule.getPorts()) {
            if (p.getPort() == null) {
                return true;
            }
            String name = p.getPort().getStrVal();
            int number = name == null ? p.getPort().getIntVal() : container.getPorts().stream()
                    .filter(c -> name.equals(c.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError(container.getName() + " has no port named " + name)).getContainerPort();
            int end = p.getEndPort() == null ? number : p.getEndPort();
            if (port >= number && port <= end) {
                return true;
            }
        }
        return false;
    }

    private static Deployment deployment(String name) {
        return local.find(Deployment.class, NAMESPACE, name)
                .orElseThrow(() -> new AssertionError("Deployment " + name + " is not rendered"));
    }

    private static Map<String, String> annotations(Deployment d) {
        Map<String, String> a = d.getSpec().getTemplate().getMetadata().getAnnotations();
        return a == null ? Map.of() : a;
    }

    private static String env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " does not set " + name));
    }

    private static String httpPath(Probe probe) {
        assertThat(probe.getHttpGet()).as("an HTTP probe").isNotNull();
        return probe.getHttpGet().getPath();
    }

    private static int probePort(Container container, Probe probe) {
        var port = probe.getHttpGet().getPort();
        if (port.getStrVal() == null) {
            return port.getIntVal();
        }
        return container.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " has no port named " + port.getStrVal()))
                .getContainerPort();
    }

    /** The app module an image is built from: strangler/<module>:<tag>. */
    static String moduleOf(Container container) {
        String image = container.getImage();
        assertThat(image).as(container.getName() + " image").matches("strangler/[a-z0-9-]+:[A-Za-z0-9._-]+");
        return image.substring("strangler/".length(), image.indexOf(':'));
    }
}
