package dev.tollgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The vllm-model chart: one model on GPUs, reachable only from the gateway, registered as {model}-{env}. */
class VllmModelChartTest {

    static final List<String> ENVIRONMENTS = Charts.ENVIRONMENTS;

    @ParameterizedTest
    @FieldSource("ENVIRONMENTS")
    void everyResourceIsNamedModelDashEnvironment(String environment) {
        List<Manifest> manifests = Charts.render("vllm-model", environment);

        assertThat(manifests).extracting(Manifest::name).allMatch(name -> name.startsWith("llama-3-8b-" + environment));
        assertThat(Charts.one(manifests, "Service").name()).isEqualTo("llama-3-8b-" + environment);
    }

    @ParameterizedTest
    @FieldSource("ENVIRONMENTS")
    void requestsAGpuAndRunsOnGpuNodes(String environment) {
        Manifest deployment = Charts.one(Charts.render("vllm-model", environment), "Deployment");
        Map<String, Object> vllm = container(deployment);

        assertThat(Yaml.map(vllm, "resources.requests")).containsEntry("nvidia.com/gpu", 1);
        assertThat(Yaml.map(vllm, "resources.limits")).containsEntry("nvidia.com/gpu", 1);
        assertThat(Yaml.map(deployment.podSpec(), "nodeSelector")).containsEntry("nvidia.com/gpu.present", "true");
        assertThat(Yaml.list(deployment.podSpec(), "tolerations"))
                .anySatisfy(t -> assertThat(t).containsEntry("key", "nvidia.com/gpu").containsEntry("effect", "NoSchedule"));
        assertThat((List<String>) Yaml.at(vllm, "args")).contains("--tensor-parallel-size=1");
    }

    @Test
    void theModelAndItsMaximumLengthComeFromTheConfigMap() {
        List<Manifest> manifests = Charts.render("vllm-model", "production");
        Map<String, Object> data = Yaml.map(Charts.one(manifests, "ConfigMap").body(), "data");
        Map<String, Object> vllm = container(Charts.one(manifests, "Deployment"));

        assertThat(data).containsEntry("MODEL_SOURCE", "meta-llama/Llama-3.1-8B-Instruct")
                .containsEntry("MODEL_SERVED_NAME", "llama-3-8b").containsEntry("MODEL_MAX_LENGTH", "8192");
        assertThat((List<String>) Yaml.at(vllm, "args")).startsWith("$(MODEL_SOURCE)")
                .contains("--served-model-name=$(MODEL_SERVED_NAME)", "--max-model-len=$(MODEL_MAX_LENGTH)");
        assertThat(Yaml.list(vllm, "env")).filteredOn(e -> e.get("name").equals("MODEL_MAX_LENGTH")).singleElement()
                .satisfies(e -> assertThat(Yaml.<String>at(e, "valueFrom.configMapKeyRef.name"))
                        .isEqualTo("llama-3-8b-production"));
    }

    @Test
    void probesCallVllmsHealthEndpoint() {
        Map<String, Object> vllm = container(Charts.one(Charts.render("vllm-model", "staging"), "Deployment"));

        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(Yaml.<String>at(vllm, probe + ".httpGet.path")).as(probe).isEqualTo("/health");
        }
    }

    @Test
    void onlyTheGatewayMayCallTheModelAndPrometheusScrapeIt() {
        Map<String, Object> policy = Charts.one(Charts.render("vllm-model", "production"), "NetworkPolicy").body();
        List<Map<String, Object>> rules = Yaml.list(policy, "spec.ingress");

        assertThat(Yaml.<List<String>>at(policy, "spec.policyTypes")).containsExactly("Ingress");
        assertThat(Yaml.map(policy, "spec.podSelector.matchLabels"))
                .containsEntry("app.kubernetes.io/instance", "llama-3-8b-production");
        assertThat(rules).hasSize(2);
        assertThat(Yaml.list(rules.get(0), "from")).singleElement().satisfies(peer -> {
            assertThat(Yaml.map(peer, "podSelector.matchLabels")).isEqualTo(Map.of(
                    "app.kubernetes.io/name", "gateway", "app.kubernetes.io/part-of", "tollgate"));
            assertThat(peer).doesNotContainKey("namespaceSelector");
        });
        assertThat(Yaml.list(rules.get(1), "from")).singleElement().satisfies(peer -> assertThat(
                Yaml.map(peer, "namespaceSelector.matchLabels")).containsEntry("kubernetes.io/metadata.name", "monitoring"));
        assertThat(Charts.ofKind(Charts.render("vllm-model", "production"), "ServiceMonitor")).hasSize(1);
    }

    @Test
    void withoutAServiceMonitorOnlyTheGatewayIsAdmitted() {
        List<Manifest> development = Charts.render("vllm-model", "development");

        assertThat(Charts.ofKind(development, "ServiceMonitor")).isEmpty();
        assertThat(Yaml.list(Charts.one(development, "NetworkPolicy").body(), "spec.ingress")).singleElement()
                .satisfies(rule -> assertThat(Yaml.map(Yaml.list(rule, "from").get(0), "podSelector.matchLabels"))
                        .containsEntry("app.kubernetes.io/name", "gateway"));
    }

    @Test
    void registrationRunsAfterInstallUpgradeAndRollbackAndDeregistrationBeforeDelete() throws Exception {
        List<Manifest> jobs = Charts.ofKind(Charts.render("vllm-model", "production"), "Job");
        Manifest register = job(jobs, "llama-3-8b-production-register");
        Manifest deregister = job(jobs, "llama-3-8b-production-deregister");

        assertThat(register.annotations()).containsEntry("helm.sh/hook", "post-install,post-upgrade,post-rollback")
                .containsEntry("argocd.argoproj.io/hook", "PostSync");
        assertThat(deregister.annotations()).containsEntry("helm.sh/hook", "pre-delete")
                .containsEntry("argocd.argoproj.io/hook", "PreDelete");
        assertThat(Yaml.<List<String>>at(container(register), "args"))
                .containsExactly(Files.readString(Repo.chart("vllm-model").resolve("files/register.sh")));
        assertThat(Yaml.<List<String>>at(container(deregister), "args"))
                .containsExactly(Files.readString(Repo.chart("vllm-model").resolve("files/deregister.sh")));
    }

    @Test
    void registrationRegistersTheServiceWithTheEnvironmentsValues() {
        Manifest register = job(Charts.ofKind(Charts.render("vllm-model", "production"), "Job"),
                "llama-3-8b-production-register");
        Map<String, Object> env = env(container(register));

        assertThat(env).containsEntry("ENDPOINT_ID", "llama-3-8b-production").containsEntry("MODEL", "llama-3-8b")
                .containsEntry("ENVIRONMENT", "production")
                .containsEntry("BASE_URL", "http://llama-3-8b-production.tollgate-production.svc.cluster.local:8000")
                .containsEntry("WEIGHT", "2").containsEntry("INPUT_PRICE", "100000").containsEntry("OUTPUT_PRICE", "300000")
                .containsEntry("PRICE_VERSION", "1").containsEntry("MAX_CONTEXT", "8192")
                .containsEntry("GATEWAY_URL", "http://tollgate-gateway:8080")
                .doesNotContainKey("UPSTREAM_API_KEY");
        assertThat(env.get("ADMIN_TOKEN")).isEqualTo(Map.of("secretKeyRef", Map.of("name", "tollgate-admin", "key", "token")));
    }

    @Test
    void vllmsApiKeyReachesTheGatewayOnlyBySecretReference() {
        List<Manifest> manifests = Charts.render("vllm-model", "staging",
                Map.of("secrets.apiKey.existingSecret", "vllm-api-key"));

        assertThat(env(container(Charts.one(manifests, "Deployment"))).get("VLLM_API_KEY"))
                .isEqualTo(Map.of("secretKeyRef", Map.of("name", "vllm-api-key", "key", "api-key")));
        assertThat(env(container(job(Charts.ofKind(manifests, "Job"), "llama-3-8b-staging-register")))
                .get("UPSTREAM_API_KEY")).isEqualTo(Map.of("secretKeyRef", Map.of("name", "vllm-api-key", "key", "api-key")));
    }

    @Test
    void theEvalGateRunsBeforeTheSyncOnlyWhenTurnedOnAndNeedsARun() {
        assertThat(Charts.ofKind(Charts.render("vllm-model", "production"), "Job"))
                .noneMatch(j -> j.name().endsWith("eval-gate"));

        Manifest gate = job(Charts.ofKind(Charts.render("vllm-model", "production",
                Map.of("evalGate.enabled", true, "evalGate.runId", "run-42")), "Job"), "llama-3-8b-production-eval-gate");
        assertThat(gate.annotations()).containsEntry("helm.sh/hook", "pre-install,pre-upgrade")
                .containsEntry("argocd.argoproj.io/hook", "PreSync");
        assertThat(env(container(gate))).containsEntry("EVAL_RUN_ID", "run-42");

        assertThatThrownBy(() -> Charts.render("vllm-model", "production", Map.of("evalGate.enabled", true)))
                .hasMessageContaining("evalGate.runId");
    }

    static Manifest job(List<Manifest> jobs, String name) {
        return jobs.stream().filter(j -> j.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no Job " + name + " in " + jobs));
    }

    static Map<String, Object> container(Manifest workload) {
        return Yaml.list(workload.podSpec(), "containers").get(0);
    }

    /** A container's environment: name to value, or to its valueFrom. */
    static Map<String, Object> env(Map<String, Object> container) {
        Map<String, Object> env = new LinkedHashMap<>();
        for (Map<String, Object> e : Yaml.list(container, "env")) {
            env.put((String) e.get("name"), e.containsKey("value") ? e.get("value") : e.get("valueFrom"));
        }
        return env;
    }
}
