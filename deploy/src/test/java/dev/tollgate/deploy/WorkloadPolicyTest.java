package dev.tollgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What every environment's manifests must hold, checked over everything the charts render: resource requests,
 * probes and a non-root user on every container, secrets only by reference, and the replicas of each environment.
 */
class WorkloadPolicyTest {

    /** Names of environment variables and config keys that carry a secret. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(token|password|secret|api[_-]?key|credential).*");

    @Test
    void everyContainerRequestsCpuAndMemoryAndHasAMemoryLimit() {
        assertThat(containers(Charts.all())).allSatisfy(c -> {
            assertThat(Yaml.map(c.container(), "resources.requests")).as(c.toString()).containsKeys("cpu", "memory");
            assertThat(Yaml.map(c.container(), "resources.limits")).as(c.toString()).containsKey("memory");
        });
    }

    @Test
    void everyLongRunningContainerHasStartupLivenessAndReadinessProbes() {
        List<Container> longRunning = containers(Charts.all()).stream()
                .filter(c -> !c.manifest().kind().equals("Job")).toList();

        assertThat(longRunning).hasSizeGreaterThanOrEqualTo(12).allSatisfy(c ->
                assertThat(c.container()).as(c.toString())
                        .containsKeys("startupProbe", "livenessProbe", "readinessProbe"));
    }

    @Test
    void everyPodRunsAsANonRootUserWithoutPrivilegeEscalation() {
        assertThat(containers(Charts.all())).allSatisfy(c -> {
            Map<String, Object> pod = Yaml.map(c.manifest().podSpec(), "securityContext");
            assertThat(pod.get("runAsNonRoot")).as(c.toString()).isEqualTo(true);
            assertThat((Integer) pod.get("runAsUser")).as(c.toString()).isPositive();
            assertThat(Yaml.<Boolean>at(c.container(), "securityContext.allowPrivilegeEscalation"))
                    .as(c.toString()).isFalse();
            assertThat(Yaml.<List<String>>at(c.container(), "securityContext.capabilities.drop"))
                    .as(c.toString()).containsExactly("ALL");
        });
    }

    @Test
    void noSecretValueIsInlinedAnywhere() {
        List<Manifest> all = Charts.all();

        assertThat(all).noneMatch(m -> m.kind().equals("Secret"));
        List<Map<String, Object>> secretEnv = new ArrayList<>();
        for (Container c : containers(all)) {
            for (Map<String, Object> env : Yaml.list(c.container(), "env")) {
                if (SECRET_NAME.matcher((String) env.get("name")).matches()) {
                    secretEnv.add(env);
                    assertThat(env).as(c + " " + env.get("name")).doesNotContainKey("value");
                    assertThat(Yaml.<String>at(env, "valueFrom.secretKeyRef.name")).as(c + " " + env.get("name"))
                            .isNotBlank();
                }
            }
        }
        assertThat(secretEnv).extracting(e -> e.get("name"))
                .contains("TOLLGATE_ADMIN_TOKEN", "TOLLGATE_SECRETS_KEKS", "QUARKUS_DATASOURCE_PASSWORD", "ADMIN_TOKEN",
                        "HF_TOKEN", "WAREHOUSE_PASSWORD");
        List<String> configured = new ArrayList<>();
        for (Manifest configMap : Charts.ofKind(all, "ConfigMap")) {
            Yaml.map(configMap.body(), "data").forEach((key, value) -> configured.addAll(secretSettings(value.toString())));
        }
        assertThat(configured).as("secret settings in ConfigMaps").isNotEmpty()
                .allMatch(setting -> setting.startsWith("${env:"));
    }

    @Test
    void eachEnvironmentRunsItsReplicas() {
        Map<String, List<Integer>> expected = Map.of("gateway", List.of(1, 1, 3), "streams", List.of(1, 1, 3),
                "notifier", List.of(1, 1, 1), "connect", List.of(1, 1, 2), "vllm-model", List.of(1, 1, 2));
        expected.forEach((chart, replicas) -> {
            for (int i = 0; i < Charts.ENVIRONMENTS.size(); i++) {
                List<Manifest> manifests = Charts.render(chart, Charts.ENVIRONMENTS.get(i));
                Manifest workload = manifests.stream()
                        .filter(m -> m.kind().equals("Deployment") || m.kind().equals("StatefulSet"))
                        .findFirst().orElseThrow();
                // Under a HorizontalPodAutoscaler the Deployment leaves its replicas to it: it starts at the minimum.
                Integer count = Charts.ofKind(manifests, "HorizontalPodAutoscaler").stream().findFirst()
                        .map(hpa -> Yaml.<Integer>at(hpa.body(), "spec.minReplicas"))
                        .orElseGet(() -> Yaml.at(workload.body(), "spec.replicas"));
                assertThat(count).as(workload.toString()).isEqualTo(replicas.get(i));
            }
        });
    }

    @Test
    void everyObjectCarriesTheRecommendedLabelsAndItsEnvironment() {
        assertThat(Charts.all()).allSatisfy(m -> {
            Map<String, Object> labels = Yaml.map(m.body(), "metadata.labels");
            assertThat(labels).as(m.toString()).containsKeys("app.kubernetes.io/name", "app.kubernetes.io/instance",
                    "app.kubernetes.io/version", "app.kubernetes.io/component", "app.kubernetes.io/managed-by",
                    "helm.sh/chart").containsEntry("app.kubernetes.io/part-of", "tollgate")
                    .containsEntry("tollgate.dev/environment", m.environment());
        });
    }

    /** property=value, "key":"value" or key: value settings of a secret-looking key. */
    private static final Pattern SECRET_SETTING = Pattern.compile(
            "(?i)\"?[\\w.-]*(token|password|secret|api[_-]?key|credential)[\\w.-]*\"?\\s*[=:]\\s*\"?([^\"\\n,]*)");

    /** The values a config file gives secret-looking keys. */
    private static List<String> secretSettings(String data) {
        List<String> values = new ArrayList<>();
        java.util.regex.Matcher m = SECRET_SETTING.matcher(data);
        while (m.find()) {
            values.add(m.group(2));
        }
        return values;
    }

    record Container(Manifest manifest, Map<String, Object> container) {
        @Override
        public String toString() {
            return manifest + " container " + container.get("name");
        }
    }

    static List<Container> containers(List<Manifest> manifests) {
        List<Container> all = new ArrayList<>();
        for (Manifest m : manifests) {
            if (m.podSpec() != null) {
                Yaml.list(m.podSpec(), "containers").forEach(c -> all.add(new Container(m, c)));
                Yaml.list(m.podSpec(), "initContainers").forEach(c -> all.add(new Container(m, c)));
            }
        }
        return all;
    }
}
