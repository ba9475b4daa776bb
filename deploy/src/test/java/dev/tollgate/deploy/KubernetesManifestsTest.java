package dev.tollgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every object the charts render, in every environment and with the optional parts switched on, is valid against
 * the Kubernetes API schema (and the ServiceMonitor CRD), strictly: an unknown field or a wrong type fails.
 */
class KubernetesManifestsTest {

    static List<Arguments> chartsAndEnvironments() {
        return HelmLintTest.chartsAndEnvironments();
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("chartsAndEnvironments")
    void everyRenderedObjectIsValidAgainstTheKubernetesSchema(String chart, String environment) {
        List<Manifest> manifests = Charts.render(chart, environment);

        assertThat(manifests).isNotEmpty();
        assertThat(violations(manifests)).isEmpty();
    }

    @Test
    void optionalPartsAreValidWhenSwitchedOn() {
        List<Manifest> manifests = new ArrayList<>();
        manifests.addAll(Charts.render("gateway", "development", Map.of("autoscaling.enabled", true,
                "secrets.bootstrapApiKey.existingSecret", "tollgate-bootstrap",
                "secrets.extra[0].name", "KAFKA_SASL_PASSWORD", "secrets.extra[0].existingSecret", "kafka",
                "secrets.extra[0].key", "password", "config.TOLLGATE_EVENTS_WHEN_FULL", "fail-open")));
        manifests.addAll(Charts.render("vllm-model", "production", Map.of("evalGate.enabled", true,
                "evalGate.runId", "run-42", "secrets.apiKey.existingSecret", "vllm-api-key",
                "modelCache.existingClaim", "models", "networkPolicy.gateway.namespace", "tollgate-gateway")));
        manifests.addAll(Charts.render("streams", "production", Map.of("persistence.storageClass", "fast-ssd",
                "kafkaStreams.max\\.task\\.idle\\.ms", "0")));

        assertThat(Charts.ofKind(manifests, "HorizontalPodAutoscaler")).hasSize(1);
        assertThat(Charts.ofKind(manifests, "Job")).extracting(Manifest::name)
                .contains("llama-3-8b-production-eval-gate");
        assertThat(violations(manifests)).isEmpty();
    }

    @Test
    void aMisspelledContainerFieldFailsValidation() {
        Map<String, Object> deployment = copy(Charts.one(Charts.render("gateway", "production"), "Deployment").body());
        List<Map<String, Object>> containers = Yaml.list(deployment, "spec.template.spec.containers");
        containers.get(0).put("imagePullPolicyy", "Always");

        assertThat(KubernetesSchema.violations(deployment))
                .singleElement().asString().contains("spec.template.spec.containers[0]").contains("imagePullPolicyy");
    }

    @Test
    void aMisspelledFieldOfTheServiceMonitorCrdFailsValidation() {
        Map<String, Object> monitor = copy(Charts.one(Charts.render("streams", "production"), "ServiceMonitor").body());
        Yaml.list(monitor, "spec.endpoints").get(0).put("intervall", "30s");

        assertThat(KubernetesSchema.violations(monitor)).singleElement().asString().contains("intervall");
    }

    @Test
    void aValueOfTheWrongTypeFailsValidation() {
        Map<String, Object> statefulSet = copy(Charts.one(Charts.render("streams", "staging"), "StatefulSet").body());
        Yaml.<Map<String, Object>>at(statefulSet, "spec").put("replicas", "three");

        assertThat(KubernetesSchema.violations(statefulSet)).singleElement().asString().contains("three");
    }

    @Test
    void aKindWithoutASchemaIsAViolation() {
        assertThat(KubernetesSchema.violations(Map.of("apiVersion", "v1", "kind", "Secret")))
                .containsExactly("no schema for v1/Secret");
    }

    @Test
    void everyObjectNameIsAValidDnsLabel() {
        assertThat(Charts.all()).allSatisfy(m ->
                assertThat(m.name()).as(m.toString()).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?").hasSizeLessThanOrEqualTo(63));
    }

    @Test
    void helmRefusesValuesThatBreakTheChartsSchema() {
        assertThatThrownBy(() -> Charts.render("vllm-model", "development", Map.of("model.name", "Llama_3")))
                .hasMessageContaining("/model/name");
        assertThatThrownBy(() -> Charts.render("gateway", "development", Map.of("environment", "qa")))
                .hasMessageContaining("/environment");
    }

    static List<String> violations(List<Manifest> manifests) {
        List<String> all = new ArrayList<>();
        for (Manifest m : manifests) {
            KubernetesSchema.violations(m.body()).forEach(v -> all.add(m + ": " + v));
        }
        return all;
    }

    /** A deep, mutable copy of a parsed manifest. */
    static Map<String, Object> copy(Map<String, Object> body) {
        return Yaml.MAPPER.convertValue(body, LinkedHashMap.class);
    }
}
