package dev.strangler.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.istio.api.api.security.v1beta1.Rule;
import io.fabric8.istio.api.api.security.v1beta1.RuleFrom;
import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.Gateway;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.api.security.v1.AuthorizationPolicy;
import io.fabric8.istio.api.security.v1.PeerAuthentication;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** istio/: every resource parses with fabric8's Istio model and points at things the k8s manifests create. */
class IstioManifestsTest {

    private static final String NAMESPACE = "strangler";
    private static final Set<String> SAFE_RETRY_ON = Set.of("connect-failure", "refused-stream");
    private static final String INGRESS_PRINCIPAL = "cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account";
    private static final Pattern PRINCIPAL = Pattern.compile("cluster\\.local/ns/([a-z0-9-]+)/sa/([a-z0-9-]+)");
    private static final Pattern SERVICE_HOST = Pattern.compile("([a-z0-9-]+)\\.([a-z0-9-]+)\\.svc\\.cluster\\.local");

    private static ClusterResources mesh;

    @BeforeAll
    static void renderAppsAndMesh() {
        mesh = ClusterResources.build("k8s/overlays/local", "istio");
    }

    @Test
    void everyManifestUnderIstioParsesWithoutUnknownFields() {
        List<String> problems = new ArrayList<>();
        Set<String> kinds = new HashSet<>();
        for (Path file : RepositoryLayout.manifestFiles("istio")) {
            for (YamlDocument document : YamlDocument.read(file)) {
                kinds.add(document.kind());
                problems.addAll(ManifestChecks.problems(document));
            }
        }
        assertThat(problems).isEmpty();
        assertThat(kinds).contains("Gateway", "VirtualService", "DestinationRule", "PeerAuthentication",
                "AuthorizationPolicy", "EnvoyFilter", "Configuration", "TrafficExtension", "WasmPlugin");
    }

    @Test
    void kustomizeOutputOfIstioParsesWithoutUnknownFields() {
        ClusterResources istio = ClusterResources.build("istio");
        List<String> problems = new ArrayList<>();
        for (YamlDocument document : istio.documents()) {
            problems.addAll(ManifestChecks.problems(document));
        }
        assertThat(problems).isEmpty();
        assertThat(istio.documents()).as("every manifest outside istio/optional is in istio/kustomization.yaml")
                .hasSize(RepositoryLayout.manifestFiles("istio").stream()
                        .filter(f -> !f.startsWith(RepositoryLayout.resolve("istio/optional")))
                        .mapToInt(f -> YamlDocument.read(f).size()).sum());
    }

    @Test
    void externalTrafficReachesOnlyTheGatewayAppsPublicPort() {
        Gateway gateway = mesh.find(Gateway.class, NAMESPACE, "strangler-gateway").orElseThrow();
        assertThat(gateway.getSpec().getSelector()).containsEntry("istio", "ingressgateway");
        List<VirtualService> bound = mesh.all(VirtualService.class).stream()
                .filter(vs -> vs.getSpec().getGateways() != null && !vs.getSpec().getGateways().isEmpty()).toList();
        assertThat(bound).isNotEmpty();
        for (VirtualService vs : bound) {
            for (String ref : vs.getSpec().getGateways()) {
                String[] parts = ref.contains("/") ? ref.split("/") : new String[] {vs.getMetadata().getNamespace(), ref};
                assertThat(mesh.find(Gateway.class, parts[0], parts[1])).as(vs.getMetadata().getName() + " gateway " + ref).isPresent();
            }
            vs.getSpec().getHttp().forEach(route -> route.getRoute().forEach(dest -> {
                assertThat(dest.getDestination().getHost()).isEqualTo("gateway-app.strangler.svc.cluster.local");
                assertThat(dest.getDestination().getPort().getNumber().longValue()).isEqualTo(AppModule.load("gateway-app").serverPort());
            }));
        }
    }

    @Test
    void everyVirtualServiceDestinationIsAnExistingServicePort() {
        for (VirtualService vs : mesh.all(VirtualService.class)) {
            vs.getSpec().getHttp().forEach(route -> route.getRoute().forEach(dest -> {
                Service service = service(dest.getDestination().getHost());
                assertThat(service.getSpec().getPorts())
                        .as(vs.getMetadata().getName() + " -> " + dest.getDestination().getHost())
                        .anyMatch(p -> p.getPort().longValue() == dest.getDestination().getPort().getNumber().longValue());
            }));
        }
    }

    @Test
    void meshRetriesOnlyWhatProvablyNeverReachedTheApp() {
        Set<String> coveredHosts = new HashSet<>();
        for (VirtualService vs : mesh.all(VirtualService.class)) {
            vs.getSpec().getHttp().forEach(route -> {
                assertThat(route.getRetries()).as(vs.getMetadata().getName() + " sets its retry policy").isNotNull();
                assertThat(Set.of(route.getRetries().getRetryOn().split(",")))
                        .as(vs.getMetadata().getName() + " retryOn").isEqualTo(SAFE_RETRY_ON);
                route.getRoute().forEach(d -> coveredHosts.add(d.getDestination().getHost()));
            });
        }
        for (Service service : mesh.all(Service.class)) {
            boolean http = service.getSpec().getPorts().stream().anyMatch(p -> p.getName().startsWith("http-"));
            if (http) {
                assertThat(coveredHosts).as("Istio's default retry policy (503s, POSTs too) would apply to " + service.getMetadata().getName())
                        .contains(service.getMetadata().getName() + ".strangler.svc.cluster.local");
            }
        }
    }

    @Test
    void destinationRulesPoolConnectionsAndEjectOutliersOfExistingServices() {
        List<DestinationRule> rules = mesh.all(DestinationRule.class);
        assertThat(rules).extracting(r -> r.getSpec().getHost()).containsExactlyInAnyOrder(
                "gateway-app.strangler.svc.cluster.local", "legacy-monolith.strangler.svc.cluster.local",
                "orders-service.strangler.svc.cluster.local");
        for (DestinationRule rule : rules) {
            service(rule.getSpec().getHost());
            assertThat(rule.getSpec().getTrafficPolicy().getConnectionPool().getTcp().getMaxConnections()).isPositive();
            assertThat(rule.getSpec().getTrafficPolicy().getConnectionPool().getHttp().getHttp1MaxPendingRequests()).isPositive();
            assertThat(rule.getSpec().getTrafficPolicy().getOutlierDetection()).isNotNull();
            assertThat(rule.getSpec().getTrafficPolicy().getOutlierDetection().getBaseEjectionTime()).isNotBlank();
        }
    }

    @Test
    void namespaceAcceptsOnlyIstioMutualTls() {
        PeerAuthentication pa = mesh.all(PeerAuthentication.class).stream()
                .filter(p -> NAMESPACE.equals(p.getMetadata().getNamespace()) && p.getSpec().getSelector() == null)
                .findFirst().orElseThrow(() -> new AssertionError("no namespace-wide PeerAuthentication in " + NAMESPACE));
        assertThat(pa.getSpec().getMtls().getMode().name()).isEqualTo("STRICT");
    }

    @Test
    void authorizationPoliciesNameExistingServiceAccountsAndSelectExistingPods() {
        for (AuthorizationPolicy policy : mesh.all(AuthorizationPolicy.class)) {
            String name = policy.getMetadata().getName();
            if (policy.getSpec().getSelector() != null) {
                assertThat(mesh.deploymentsSelectedBy(NAMESPACE, policy.getSpec().getSelector().getMatchLabels()))
                        .as("AuthorizationPolicy " + name + " selects no pod").isNotEmpty();
            }
            for (String principal : principals(policy)) {
                if (principal.equals(INGRESS_PRINCIPAL)) {
                    continue;
                }
                Matcher m = PRINCIPAL.matcher(principal);
                assertThat(m.matches()).as(name + " principal " + principal).isTrue();
                assertThat(mesh.find(ServiceAccount.class, m.group(1), m.group(2)))
                        .as(name + " principal " + principal + " is no ServiceAccount").isPresent();
            }
        }
    }

    @Test
    void callersAreAllowedExactlyAsTheArchitectureSays() {
        assertThat(principals(policyFor("legacy-monolith"))).containsExactlyInAnyOrder(
                principalOf("gateway-app"), principalOf("orders-service"));
        assertThat(principals(policyFor("orders-service"))).containsExactly(principalOf("gateway-app"));
        AuthorizationPolicy gateway = policyFor("gateway-app");
        Rule fromIngress = gateway.getSpec().getRules().stream()
                .filter(r -> r.getFrom().stream().anyMatch(f -> f.getSource().getPrincipals() != null
                        && f.getSource().getPrincipals().contains(INGRESS_PRINCIPAL)))
                .findFirst().orElseThrow();
        assertThat(fromIngress.getTo()).flatExtracting(t -> t.getOperation().getPorts())
                .containsExactly(String.valueOf(AppModule.load("gateway-app").serverPort()));
        AuthorizationPolicy denyAll = mesh.find(AuthorizationPolicy.class, NAMESPACE, "deny-by-default").orElseThrow();
        assertThat(denyAll.getSpec().getRules()).as("an ALLOW policy without rules denies everything").isNullOrEmpty();
        assertThat(denyAll.getSpec().getSelector()).isNull();
    }

    @Test
    void theGatewaysManagementPortAdmitsOnlyPrometheusScrapes() {
        String management = String.valueOf(AppModule.load("gateway-app").managementPort());
        AuthorizationPolicy gateway = policyFor("gateway-app");
        assertThat(gateway.getSpec().getAction().name()).isEqualTo("ALLOW");
        boolean scrapes = false;
        for (Rule rule : gateway.getSpec().getRules()) {
            List<io.fabric8.istio.api.api.security.v1beta1.RuleTo> to = rule.getTo() == null ? List.of() : rule.getTo();
            boolean reachesManagement = to.isEmpty() || to.stream().anyMatch(t -> t.getOperation().getPorts() == null
                    || t.getOperation().getPorts().isEmpty() || t.getOperation().getPorts().contains(management));
            if (!reachesManagement) {
                continue;
            }
            assertThat(rule.getFrom()).as("a rule reaching the management port names its callers").isNotEmpty();
            for (RuleFrom from : rule.getFrom()) {
                assertThat(from.getSource().getNamespaces()).as("callers of the management port").containsExactly("monitoring");
                assertThat(from.getSource().getPrincipals()).as("callers of the management port").isNullOrEmpty();
            }
            for (var t : to) {
                assertThat(t.getOperation().getPorts()).containsExactly(management);
                assertThat(t.getOperation().getMethods()).containsExactly("GET");
                assertThat(t.getOperation().getPaths()).containsExactly("/actuator/prometheus");
            }
            scrapes = true;
        }
        assertThat(scrapes).as("Prometheus may scrape /actuator/prometheus").isTrue();
    }

    @Test
    void daprTrafficBetweenSidecarsAndToItsStoresIsAllowed() {
        List<String> daprIdentities = mesh.all(Deployment.class).stream()
                .filter(d -> "true".equals(annotation(d, "dapr.io/enabled")))
                .map(d -> principalOf(d.getSpec().getTemplate().getSpec().getServiceAccountName()))
                .toList();
        assertThat(daprIdentities).hasSize(2);
        assertThat(principals(policyFor("redis"))).containsExactlyInAnyOrderElementsOf(daprIdentities);
        // The state stores are scoped to orders-service, so only its sidecar talks to Postgres.
        assertThat(principals(policyFor("postgres"))).containsExactly(principalOf("orders-service"));
        for (Deployment d : mesh.all(Deployment.class)) {
            if ("true".equals(annotation(d, "dapr.io/enabled"))) {
                assertThat(annotation(d, "traffic.sidecar.istio.io/excludeInboundPorts"))
                        .as(d.getMetadata().getName() + ": the kubelet probes daprd's health port 3501 in plain text").contains("3501");
            }
        }
    }

    @Test
    void daprLeavesMutualTlsToIstio() {
        YamlDocument config = mesh.unmodelled("Configuration").stream()
                .filter(d -> d.name().equals("daprsystem")).findFirst()
                .orElseThrow(() -> new AssertionError("Dapr's daprsystem Configuration is not in istio/"));
        assertThat(config.tree().at("/metadata/namespace").asText()).isEqualTo("dapr-system");
        JsonNode enabled = config.tree().at("/spec/mtls/enabled");
        assertThat(enabled.isBoolean() && !enabled.asBoolean()).as("spec.mtls.enabled: false").isTrue();
        assertThat(DaprComponentShape.violations(config)).as("the Configuration CRD's required mtls fields").isEmpty();
    }

    private static Service service(String host) {
        Matcher m = SERVICE_HOST.matcher(host);
        assertThat(m.matches()).as("host " + host + " is a fully qualified Service name").isTrue();
        return mesh.find(Service.class, m.group(2), m.group(1))
                .orElseThrow(() -> new AssertionError("no Service for host " + host));
    }

    private static AuthorizationPolicy policyFor(String app) {
        return mesh.all(AuthorizationPolicy.class).stream()
                .filter(p -> p.getSpec().getSelector() != null
                        && Map.of("app", app).equals(p.getSpec().getSelector().getMatchLabels()))
                .findFirst().orElseThrow(() -> new AssertionError("no AuthorizationPolicy selects app=" + app));
    }

    private static List<String> principals(AuthorizationPolicy policy) {
        List<String> out = new ArrayList<>();
        for (Rule rule : policy.getSpec().getRules() == null ? List.<Rule>of() : policy.getSpec().getRules()) {
            for (RuleFrom from : rule.getFrom() == null ? List.<RuleFrom>of() : rule.getFrom()) {
                if (from.getSource().getPrincipals() != null) {
                    out.addAll(from.getSource().getPrincipals());
                }
            }
        }
        return out;
    }

    private static String principalOf(String serviceAccount) {
        return "cluster.local/ns/" + NAMESPACE + "/sa/" + serviceAccount;
    }

    private static String annotation(Deployment d, String key) {
        Map<String, String> a = d.getSpec().getTemplate().getMetadata().getAnnotations();
        return a == null ? null : a.get(key);
    }
}
