package dev.strangler.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * k8s/monitoring: the fleet view's Prometheus rules pass promtool's check and its tests on synthetic series, read only
 * series the gateway exports, and are the same in the plain rules file and the PrometheusRule; the Grafana dashboard
 * queries only series the rules record.
 */
class MonitoringRulesTest {

    private static final String RULES = RepositoryLayout.PROMETHEUS_FILES + "/strangler-gateway.rules.yml";
    private static final String RULE_TESTS = RepositoryLayout.PROMETHEUS_FILES + "/strangler-gateway.rules.test.yml";
    private static final String PROMETHEUS_RULE = "k8s/monitoring/prometheusrule.yaml";
    private static final String DASHBOARD = "k8s/monitoring/grafana/strangler-gateway.json";

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w:.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\\w:])(\\s*\\()?");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "offset", "bool", "e", "inf", "nan");

    @Test
    void promtoolChecksTheRulesFile() {
        ToolRun run = ToolRun.run(RepositoryLayout.root(), RequiredTool.PROMTOOL, "check", "rules", RULES);
        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.stdout()).contains("SUCCESS");
    }

    @Test
    void rulesPassTheirPromtoolTestsOnSyntheticSeriesOfTwoReplicas() {
        ToolRun run = ToolRun.run(RepositoryLayout.resolve(RepositoryLayout.PROMETHEUS_FILES), RequiredTool.PROMTOOL, "test", "rules",
                Path.of(RULE_TESTS).getFileName().toString());
        assertThat(run.exitCode()).as(run.describe()).isZero();
        for (String rule : names(rules(), "alert")) {
            assertThat(RepositoryLayout.read(RepositoryLayout.resolve(RULE_TESTS))).as("a test of alert " + rule)
                    .contains("alertname: " + rule);
        }
    }

    @Test
    void prometheusRuleHoldsTheGroupsOfThePlainRulesFile() {
        JsonNode rule = YamlDocument.read(RepositoryLayout.resolve(PROMETHEUS_RULE)).get(0).tree();
        assertThat(rule.at("/spec/groups"))
                .as(PROMETHEUS_RULE + " is a copy of " + RULES + ": run k8s/monitoring/inline-rules.sh")
                .isEqualTo(rules().get("groups"));
    }

    @Test
    void monitoringKustomizationBuildsAndItsResourcesParseWithFabric8Models() {
        ClusterResources built = ClusterResources.build("k8s/monitoring");
        List<String> problems = new ArrayList<>();
        built.documents().forEach(document -> problems.addAll(ManifestChecks.problems(document)));
        assertThat(problems).isEmpty();
        assertThat(built.models()).extracting(m -> m.getClass().getSimpleName())
                .containsExactlyInAnyOrder("ConfigMap", "PodMonitor", "PrometheusRule");
        assertThat(built.documents()).filteredOn(d -> d.kind().equals("ConfigMap")).singleElement()
                .satisfies(d -> assertThat(d.tree().at("/data/strangler-gateway.json").asText())
                        .isEqualTo(RepositoryLayout.read(RepositoryLayout.resolve(DASHBOARD))));
    }

    @Test
    void rulesReadOnlySeriesTheGatewayExportsOrTheyRecord() throws IOException {
        Set<String> recorded = names(rules(), "record");
        String gatewaySource = gatewaySource();
        Set<String> read = new TreeSet<>();
        for (JsonNode group : rules().get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                read.addAll(series(rule.get("expr").asText()));
            }
        }
        read.removeAll(recorded);
        assertThat(read).as("series the rules read from the gateway").isNotEmpty();
        for (String series : read) {
            Pattern registration = registration(series);
            assertThat(registration.matcher(gatewaySource).find())
                    .as(series + " is read by the rules, so gateway-app/src/main/java must register it: " + registration).isTrue();
        }
    }

    @Test
    void everyDashboardQueryNamesOnlyRecordedSeries() throws IOException {
        Set<String> recorded = names(rules(), "record");
        JsonNode dashboard = new ObjectMapper().readTree(RepositoryLayout.read(RepositoryLayout.resolve(DASHBOARD)));
        List<String> queries = new ArrayList<>();
        dashboard.get("panels").forEach(panel -> panel.get("targets").forEach(target -> queries.add(target.get("expr").asText())));
        dashboard.at("/templating/list").forEach(variable -> {
            if (variable.get("type").asText().equals("query")) {
                // label_values(SERIES, LABEL): the second argument names a label, not a series
                queries.add(variable.at("/query/query").asText().replaceFirst("^label_values\\((.*),\\s*\\w+\\)$", "$1"));
            }
        });
        assertThat(queries).hasSizeGreaterThan(8);
        for (String query : queries) {
            Set<String> series = series(query);
            assertThat(series).as("series of " + query).isNotEmpty();
            assertThat(recorded).as("the dashboard query " + query + " names only series the rules record").containsAll(series);
        }
    }

    @Test
    void seriesNamesAreFoundInPromqlAndTheirMetersByTheWayMicrometerNamesThem() {
        assertThat(series("sum by (route, le) (rate(a_bucket{x=\"y\",z=~\"$r\"}[5m])) * on (route) group_left (role) max by (route) (b:c:d)"
                + " or label_replace(e_total, \"backend\", \"$1\", \"from\", \"(.*)\") > 0.5"))
                .containsExactly("a_bucket", "b:c:d", "e_total");
        assertThat("Timer.builder(\"strangler.requests\")").containsPattern(registration("strangler_requests_seconds_bucket"));
        assertThat("meters.counter(\"strangler.fallbacks\", \"route\"").containsPattern(registration("strangler_fallbacks_total"));
        assertThat("counter(\"strangler.shadow.compared\", \"...\"").containsPattern(registration("strangler_shadow_compared_total"));
        assertThat("MultiGauge.builder(\"strangler.route.info\")").containsPattern(registration("strangler_route_info"));
        assertThat("Timer.builder(\"strangler.requests\")").as("a timer exports no _total")
                .doesNotContainPattern(registration("strangler_requests_total"));
    }

    /** Metric names in a PromQL expression: identifiers that are not functions, keywords, labels or numbers. */
    static Set<String> series(String expr) {
        String text = STRING.matcher(expr).replaceAll(" ");
        text = MATCHERS.matcher(text).replaceAll(" ");
        text = RANGE.matcher(text).replaceAll(" ");
        text = GROUPING.matcher(text).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENTIFIER.matcher(text);
        while (m.find()) {
            if (m.group(2) == null && !KEYWORDS.contains(m.group(1).toLowerCase())) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /**
     * How the gateway's source registers the Micrometer meter that Prometheus exports as this series: a timer for
     * {@code _seconds_bucket|count|sum|max}, a counter for {@code _total}, else a gauge; the meter's name has dots
     * where the series has underscores.
     */
    static Pattern registration(String series) {
        Matcher timer = Pattern.compile("(.+)_seconds_(bucket|count|sum|max)").matcher(series);
        if (timer.matches()) {
            return Pattern.compile("Timer\\.builder\\(\"" + Pattern.quote(timer.group(1).replace('_', '.')) + "\"");
        }
        if (series.endsWith("_total")) {
            String name = series.substring(0, series.length() - "_total".length()).replace('_', '.');
            return Pattern.compile("(Counter\\.builder|counter)\\(\"" + Pattern.quote(name) + "\"");
        }
        return Pattern.compile("(Multi)?Gauge\\.builder\\(\"" + Pattern.quote(series.replace('_', '.')) + "\"");
    }

    private static JsonNode rules() {
        return YamlDocument.read(RepositoryLayout.resolve(RULES)).get(0).tree();
    }

    private static Set<String> names(JsonNode rules, String field) {
        Set<String> names = new TreeSet<>();
        rules.get("groups").forEach(group -> group.get("rules").forEach(rule -> {
            if (rule.has(field)) {
                names.add(rule.get(field).asText());
            }
        }));
        return names;
    }

    private static String gatewaySource() throws IOException {
        StringBuilder source = new StringBuilder();
        try (Stream<Path> files = Files.walk(RepositoryLayout.resolve("gateway-app/src/main/java"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                source.append(Files.readString(file));
            }
        }
        return source.toString();
    }
}
