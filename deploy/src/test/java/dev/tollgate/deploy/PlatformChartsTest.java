package dev.tollgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gateway, streams and connect charts: what each part needs to run replicated and observable. */
class PlatformChartsTest {

    @Test
    void gatewayProbesTheQuarkusHealthEndpointsOnTheManagementPort() {
        Map<String, Object> gateway = VllmModelChartTest.container(
                Charts.one(Charts.render("gateway", "production"), "Deployment"));

        assertThat(Yaml.<String>at(gateway, "livenessProbe.httpGet.path")).isEqualTo("/q/health/live");
        assertThat(Yaml.<String>at(gateway, "readinessProbe.httpGet.path")).isEqualTo("/q/health/ready");
        assertThat(Yaml.<String>at(gateway, "startupProbe.httpGet.path")).isEqualTo("/q/health/started");
        assertThat(List.of("livenessProbe", "readinessProbe", "startupProbe"))
                .allSatisfy(p -> assertThat(Yaml.<String>at(gateway, p + ".httpGet.port")).isEqualTo("management"));
    }

    @Test
    void gatewayIsPinnedToItsEnvironmentAndReadsItsSecretsByReference() {
        for (String environment : Charts.ENVIRONMENTS) {
            Map<String, Object> env = VllmModelChartTest.env(VllmModelChartTest.container(
                    Charts.one(Charts.render("gateway", environment), "Deployment")));
            assertThat(env).containsEntry("TOLLGATE_ADMIN_ENVIRONMENT", environment);
            assertThat(env.get("TOLLGATE_ADMIN_TOKEN"))
                    .isEqualTo(Map.of("secretKeyRef", Map.of("name", "tollgate-admin", "key", "token")));
            assertThat(env.get("QUARKUS_DATASOURCE_PASSWORD"))
                    .isEqualTo(Map.of("secretKeyRef", Map.of("name", "tollgate-database", "key", "password")));
        }
    }

    @Test
    void gatewayHasADisruptionBudgetAMetricsMonitorAndScalesInProduction() {
        List<Manifest> production = Charts.render("gateway", "production");
        Map<String, Object> hpa = Charts.one(production, "HorizontalPodAutoscaler").body();
        Map<String, Object> monitor = Charts.one(production, "ServiceMonitor").body();

        assertThat(Yaml.<Integer>at(Charts.one(production, "PodDisruptionBudget").body(), "spec.maxUnavailable")).isEqualTo(1);
        assertThat(Yaml.<Integer>at(hpa, "spec.minReplicas")).isEqualTo(3);
        assertThat(Yaml.<Integer>at(hpa, "spec.maxReplicas")).isEqualTo(6);
        assertThat(Yaml.<String>at(hpa, "spec.scaleTargetRef.name")).isEqualTo("tollgate-gateway");
        assertThat(Yaml.list(monitor, "spec.endpoints")).singleElement().satisfies(e -> assertThat(e)
                .containsEntry("port", "management").containsEntry("path", "/q/metrics"));
        assertThat(Charts.ofKind(Charts.render("gateway", "development"), "HorizontalPodAutoscaler")).isEmpty();
    }

    @Test
    void gatewayJournalsEventsOnAVolumeThatSurvivesAContainerRestartInEveryEnvironment() {
        for (String environment : Charts.ENVIRONMENTS) {
            Map<String, Object> deployment = Charts.one(Charts.render("gateway", environment), "Deployment").body();
            Map<String, Object> gateway = VllmModelChartTest.container(
                    Charts.one(Charts.render("gateway", environment), "Deployment"));
            Map<String, Object> env = VllmModelChartTest.env(gateway);

            assertThat(env).containsEntry("TOLLGATE_EVENTS_JOURNAL_ENABLED", "true")
                    .containsEntry("TOLLGATE_EVENTS_JOURNAL_DIR", "/var/lib/tollgate/journal")
                    .containsEntry("TOLLGATE_EVENTS_JOURNAL_MAX_SIZE", "256M");
            assertThat(Yaml.list(gateway, "volumeMounts")).anySatisfy(m -> assertThat(m)
                    .containsEntry("name", "event-journal").containsEntry("mountPath", "/var/lib/tollgate/journal"));
            assertThat(Yaml.list(deployment, "spec.template.spec.volumes")).anySatisfy(v -> assertThat(v)
                    .containsEntry("name", "event-journal")
                    .containsEntry("emptyDir", Map.of("sizeLimit", "320Mi")));
        }
        Map<String, Object> off = VllmModelChartTest.container(Charts.one(Charts.render("gateway", "production",
                Map.of("eventJournal.enabled", false)), "Deployment"));
        assertThat(VllmModelChartTest.env(off)).containsEntry("TOLLGATE_EVENTS_JOURNAL_ENABLED", "false")
                .doesNotContainKey("TOLLGATE_EVENTS_JOURNAL_DIR");
        assertThat(Yaml.list(off, "volumeMounts")).noneSatisfy(m -> assertThat(m).containsEntry("name",
                "event-journal"));
    }

    @Test
    void gatewayExportsTracesOnlyWhenAnEndpointIsSetAndRefusesOneThatIsNotAUrl() {
        for (String environment : Charts.ENVIRONMENTS) {
            Map<String, Object> env = VllmModelChartTest.env(VllmModelChartTest.container(
                    Charts.one(Charts.render("gateway", environment), "Deployment")));
            assertThat(env).doesNotContainKeys("TOLLGATE_TRACING_ENDPOINT", "QUARKUS_OTEL_TRACES_SAMPLER_ARG");
        }
        Map<String, Object> on = VllmModelChartTest.env(VllmModelChartTest.container(Charts.one(Charts.render(
                "gateway", "production", Map.of("tracing.endpoint", "http://otel-collector:4318/v1/traces",
                        "tracing.samplerRatio", 0.25)), "Deployment")));
        assertThat(on).containsEntry("TOLLGATE_TRACING_ENDPOINT", "http://otel-collector:4318/v1/traces")
                .containsEntry("QUARKUS_OTEL_TRACES_SAMPLER_ARG", "0.25");
        assertThatThrownBy(() -> Charts.render("gateway", "production", Map.of("tracing.endpoint", "otel-collector")))
                .hasMessageContaining("tracing");
    }

    @Test
    void streamsKeepsStateOnPersistentVolumesAndStandbysInProduction() {
        Map<String, Object> statefulSet = Charts.one(Charts.render("streams", "production"), "StatefulSet").body();
        Map<String, Object> streams = Yaml.list(statefulSet, "spec.template.spec.containers").get(0);
        String javaOptions = (String) VllmModelChartTest.env(streams).get("JAVA_TOOL_OPTIONS");

        assertThat(Yaml.list(statefulSet, "spec.volumeClaimTemplates")).singleElement().satisfies(claim -> {
            assertThat(Yaml.<String>at(claim, "metadata.name")).isEqualTo("state");
            assertThat(Yaml.<String>at(claim, "spec.resources.requests.storage")).isEqualTo("50Gi");
        });
        assertThat(Yaml.list(streams, "volumeMounts")).anySatisfy(m -> assertThat(m)
                .containsEntry("name", "state").containsEntry("mountPath", "/var/lib/tollgate/streams"));
        assertThat(javaOptions).contains("-Dkafka-streams.state.dir=/var/lib/tollgate/streams",
                "-Dkafka-streams.num.standby.replicas=1", "-Dkafka-streams.commit.interval.ms=1000",
                "-Dkafka-streams.tollgate.live.commit.interval.ms=100");
    }

    @Test
    void streamsAnnouncesEachInstancesStableAddressThroughTheHeadlessService() {
        List<Manifest> manifests = Charts.render("streams", "production");
        Map<String, Object> statefulSet = Charts.one(manifests, "StatefulSet").body();
        Manifest headless = manifests.stream().filter(m -> m.name().equals("tollgate-streams-headless")).findFirst()
                .orElseThrow();
        Map<String, Object> env = VllmModelChartTest.env(Yaml.list(statefulSet, "spec.template.spec.containers").get(0));

        assertThat(Yaml.<String>at(statefulSet, "spec.serviceName")).isEqualTo("tollgate-streams-headless");
        assertThat(Yaml.<String>at(headless.body(), "spec.clusterIP")).isEqualTo("None");
        assertThat(Yaml.<Boolean>at(headless.body(), "spec.publishNotReadyAddresses")).isTrue();
        assertThat(env).containsEntry("QUARKUS_KAFKA_STREAMS_APPLICATION_SERVER",
                "$(POD_NAME).tollgate-streams-headless.$(POD_NAMESPACE).svc.cluster.local:8082")
                .containsEntry("QUARKUS_HTTP_PORT", "8082");
        assertThat(env.get("POD_NAME")).isEqualTo(Map.of("fieldRef", Map.of("fieldPath", "metadata.name")));
    }

    @Test
    void streamsRefusesMoreStandbysThanOtherInstances() {
        assertThatThrownBy(() -> Charts.render("streams", "staging", Map.of("standbyReplicas", 1)))
                .hasMessageContaining("standbyReplicas (1) must be less than replicas (1)");
    }

    @Test
    void theNotifierRunsOneReplicaProbedOnItsPortWithItsOwnDatabaseByReference() {
        for (String environment : Charts.ENVIRONMENTS) {
            List<Manifest> manifests = Charts.render("notifier", environment);
            Map<String, Object> deployment = Charts.one(manifests, "Deployment").body();
            Map<String, Object> notifier = VllmModelChartTest.container(Charts.one(manifests, "Deployment"));
            Map<String, Object> env = VllmModelChartTest.env(notifier);

            assertThat(Yaml.<Integer>at(deployment, "spec.replicas")).isEqualTo(1);
            assertThat(Yaml.<String>at(notifier, "startupProbe.httpGet.path")).isEqualTo("/q/health/started");
            assertThat(Yaml.<String>at(notifier, "readinessProbe.httpGet.path")).isEqualTo("/q/health/ready");
            assertThat(Yaml.<String>at(notifier, "livenessProbe.httpGet.port")).isEqualTo("http");
            assertThat(env).containsEntry("QUARKUS_DATASOURCE_JDBC_URL",
                    "jdbc:postgresql://postgresql.tollgate-" + environment + ".svc:5432/notifier")
                    .containsEntry("TOLLGATE_NOTIFIER_GENERATOR_URL",
                            "http://tollgate-streams.tollgate-" + environment + ".svc:8082");
            assertThat(env.get("QUARKUS_DATASOURCE_PASSWORD")).isEqualTo(Map.of("secretKeyRef",
                    Map.of("name", "tollgate-notifier-database", "key", "password")));
            assertThat(Yaml.list(Charts.one(manifests, "ServiceMonitor").body(), "spec.endpoints")).singleElement()
                    .satisfies(e -> assertThat(e).containsEntry("port", "http").containsEntry("path", "/q/metrics"));
        }
    }

    @Test
    void connectAppliesItsConnectorsAfterEachSyncWithSecretsAsEnvReferences() {
        List<Manifest> manifests = Charts.render("connect", "production");
        Manifest apply = VllmModelChartTest.job(Charts.ofKind(manifests, "Job"), "tollgate-connect-apply-connectors");
        Map<String, Object> connectors = manifests.stream().filter(m -> m.name().equals("tollgate-connect-connectors"))
                .findFirst().orElseThrow().body();
        Map<String, Object> usage = Yaml.MAPPER.convertValue(
                readJson((String) Yaml.map(connectors, "data").get("usage-warehouse.json")), Map.class);

        assertThat(apply.annotations()).containsEntry("argocd.argoproj.io/hook", "PostSync")
                .containsEntry("helm.sh/hook", "post-install,post-upgrade,post-rollback");
        assertThat(usage).containsEntry("topics", "tollgate.usage.v1")
                .containsEntry("connection.password", "${env:WAREHOUSE_PASSWORD}")
                .containsEntry("connection.url", "jdbc:postgresql://warehouse.tollgate-production.svc:5432/warehouse");
    }

    private static Object readJson(String json) {
        try {
            return new ObjectMapper().readValue(json, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
