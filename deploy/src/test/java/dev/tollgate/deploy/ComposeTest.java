package dev.tollgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docker-compose.yml: valid against the Compose Specification, and it comes up in order. */
class ComposeTest {

    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(token|password|secret|api_key).*");
    /** A secret comes from the caller's environment: ${NAME:?message} (required) or ${NAME:-} (optional). */
    private static final Pattern FROM_ENVIRONMENT = Pattern.compile("\\$\\{[A-Z_][A-Z0-9_]*(:\\?[^}]*|:-)}");

    static String compose() throws IOException {
        return Files.readString(Repo.file("docker-compose.yml"));
    }

    static Map<String, Map<String, Object>> services() throws IOException {
        return Yaml.at(Yaml.documents(compose()).get(0), "services");
    }

    @Test
    void isValidAgainstTheComposeSpecification() throws IOException {
        assertThat(JsonSchemas.errors(JsonSchemas.COMPOSE, compose())).isEmpty();
    }

    @Test
    void aMisspelledFieldFailsValidation() throws IOException {
        assertThat(JsonSchemas.errors(JsonSchemas.COMPOSE, compose().replaceFirst("healthcheck:", "healthchek:")))
                .isNotEmpty().anyMatch(e -> e.contains("healthchek"));
        assertThat(JsonSchemas.errors(JsonSchemas.COMPOSE, compose().replaceFirst("condition: service_healthy",
                "condition: service_up"))).isNotEmpty();
    }

    @Test
    void runsTheWholeStackWithOfficialImagesPinnedToAVersion() throws IOException {
        Map<String, Map<String, Object>> services = services();

        assertThat(services).containsKeys("kafka", "apicurio-registry", "postgres", "gateway", "streams", "notifier",
                "connect",
                "simulator", "vllm");
        assertThat(services.get("kafka").get("image")).isEqualTo("apache/kafka:4.1.1");
        assertThat(services.get("apicurio-registry").get("image")).isEqualTo("apicurio/apicurio-registry:3.0.9");
        assertThat(services.get("postgres").get("image")).isEqualTo("postgres:17");
        assertThat(services.values()).allSatisfy(s -> assertThat((String) s.get("image"))
                .matches("[a-z0-9./-]+:[A-Za-z0-9._-]+").doesNotEndWith(":latest"));
    }

    @Test
    void everyServiceIsHealthCheckedOrIsAOneShotJob() throws IOException {
        services().forEach((name, service) -> {
            if ("no".equals(service.get("restart"))) {
                assertThat(service).as(name).doesNotContainKey("healthcheck");
            } else {
                assertThat(Yaml.<List<String>>at(service, "healthcheck.test")).as(name).isNotEmpty().first()
                        .isEqualTo("CMD");
            }
        });
    }

    @Test
    void everyDependencyWaitsForHealthOrForAJobToSucceed() throws IOException {
        Map<String, Map<String, Object>> services = services();
        services.forEach((name, service) -> Yaml.map(service, "depends_on").forEach((dependency, how) -> {
            Map<String, Object> target = services.get(dependency);
            String expected = "no".equals(target.get("restart")) ? "service_completed_successfully" : "service_healthy";
            assertThat(Yaml.<String>at(how, "condition")).as(name + " -> " + dependency).isEqualTo(expected);
        }));
        assertThat(Yaml.map(services.get("gateway"), "depends_on"))
                .containsKeys("kafka-topics", "apicurio-registry", "postgres");
        assertThat(Yaml.map(services.get("register-simulator"), "depends_on")).containsKeys("gateway", "simulator");
        assertThat(Yaml.map(services.get("notifier"), "depends_on"))
                .containsKeys("kafka-topics", "apicurio-registry", "postgres");
    }

    @Test
    void tollgatesOwnImagesRunAsTheirNonRootUser() throws IOException {
        services().forEach((name, service) -> {
            if (((String) service.get("image")).startsWith("tollgate/")) {
                assertThat(service.get("user")).as(name).isEqualTo("185:185");
            }
        });
    }

    @Test
    void secretsComeOnlyFromTheCallersEnvironment() throws IOException {
        services().forEach((name, service) -> Yaml.map(service, "environment").forEach((key, value) -> {
            if (SECRET_NAME.matcher(key).matches()) {
                assertThat(value.toString()).as(name + " " + key).matches(FROM_ENVIRONMENT);
            }
        }));
    }

    @Test
    void vllmRunsOnlyInTheGpuProfileOnAnNvidiaGpu() throws IOException {
        Map<String, Map<String, Object>> services = services();
        Map<String, Object> device = Yaml.list(services.get("vllm"), "deploy.resources.reservations.devices").get(0);

        assertThat(Yaml.<List<String>>at(services.get("vllm"), "profiles")).containsExactly("gpu");
        assertThat(Yaml.<List<String>>at(services.get("register-vllm"), "profiles")).containsExactly("gpu");
        assertThat(device).containsEntry("driver", "nvidia").containsEntry("capabilities", List.of("gpu"));
        assertThat(services.get("simulator")).doesNotContainKey("profiles");
    }

    @Test
    void everyMountedFileExistsAndTheModelIsRegisteredByTheChartsScript() throws IOException {
        services().forEach((name, service) -> {
            List<String> volumes = Yaml.at(service, "volumes");
            for (String volume : volumes == null ? List.<String>of() : volumes) {
                if (volume.startsWith("./")) {
                    assertThat(Repo.file(volume.substring(2, volume.indexOf(':')))).as(name).exists();
                }
            }
        });
        assertThat(Yaml.<List<String>>at(services().get("register-simulator"), "volumes"))
                .contains("./helm/vllm-model/files/register.sh:/compose/register.sh:ro");
    }
}
