package dev.tollgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** argocd/: valid, development and staging sync themselves, production only by hand, the project fences it all. */
class ArgoCdTest {

    static List<Path> files() throws IOException {
        try (Stream<Path> paths = Files.walk(Repo.file("argocd"))) {
            return paths.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    static List<Map<String, Object>> applicationSets(String environment) throws IOException {
        List<Map<String, Object>> sets = new ArrayList<>();
        try (Stream<Path> paths = Files.list(Repo.file("argocd").resolve(environment))) {
            for (Path p : paths.sorted().toList()) {
                sets.add(Yaml.file(p));
            }
        }
        return sets;
    }

    @Test
    void everyManifestIsValidAgainstTheArgoCdSchema() throws IOException {
        List<Path> files = files();

        assertThat(files).hasSize(7);
        for (Path file : files) {
            assertThat(JsonSchemas.errors(JsonSchemas.ARGOCD, Files.readString(file))).as(file.toString()).isEmpty();
        }
    }

    @Test
    void aMisspelledSyncPolicyFieldFailsValidation() throws IOException {
        String staging = Files.readString(Repo.file("argocd/staging/platform.yaml"));

        assertThat(JsonSchemas.errors(JsonSchemas.ARGOCD, staging.replace("selfHeal:", "selfheal:")))
                .isNotEmpty().anyMatch(e -> e.contains("selfheal"));
    }

    @Test
    void developmentAndStagingSyncAutomaticallyWithPruneAndSelfHeal() throws IOException {
        for (String environment : List.of("development", "staging")) {
            assertThat(applicationSets(environment)).hasSize(2).allSatisfy(set -> assertThat(
                    Yaml.map(set, "spec.template.spec.syncPolicy.automated"))
                    .as(environment).containsEntry("prune", true).containsEntry("selfHeal", true));
        }
    }

    @Test
    void productionHasNoAutomatedSync() throws IOException {
        assertThat(applicationSets("production")).hasSize(2).allSatisfy(set -> {
            assertThat(Yaml.map(set, "spec.template.spec.syncPolicy")).doesNotContainKey("automated");
            assertThat(Yaml.map(set, "spec.template.spec")).containsKey("syncPolicy");
        });
    }

    @Test
    void eachEnvironmentDeploysEveryChartWithItsOwnValuesIntoItsOwnNamespace() throws IOException {
        for (String environment : Charts.ENVIRONMENTS) {
            Set<String> charts = new HashSet<>();
            for (Map<String, Object> set : applicationSets(environment)) {
                Map<String, Object> spec = Yaml.map(set, "spec.template.spec");
                assertThat(Yaml.<String>at(spec, "destination.namespace")).isEqualTo(Charts.namespace(environment));
                assertThat(Yaml.<String>at(spec, "project")).isEqualTo("tollgate");
                for (Map<String, Object> element : Yaml.list(Yaml.list(set, "spec.generators").get(0), "list.elements")) {
                    String chart = element.containsKey("component") ? (String) element.get("component") : "vllm-model";
                    charts.add(chart);
                    String path = fill(Yaml.at(spec, "source.path"), element);
                    assertThat(Repo.root().resolve(path).resolve("Chart.yaml")).exists();
                    assertThat(fill(Yaml.at(spec, "source.helm.releaseName"), element)).isEqualTo(Charts.releaseName(chart));
                    List<String> valueFiles = Yaml.at(spec, "source.helm.valueFiles");
                    assertThat(valueFiles.stream().map(f -> Repo.root().resolve(path).resolve(fill(f, element))).toList())
                            .as("the files Charts renders with").containsExactlyElementsOf(Charts.valueFiles(chart, environment))
                            .allSatisfy(f -> assertThat(f).exists());
                }
            }
            assertThat(charts).containsExactlyInAnyOrderElementsOf(Charts.CHARTS);
        }
    }

    @Test
    void theProjectAdmitsOnlyTheRepositoryTheEnvironmentsAndTheKindsTheChartsRender() throws IOException {
        Map<String, Object> project = Yaml.file(Repo.file("argocd/project.yaml"));
        List<String> sourceRepos = Yaml.at(project, "spec.sourceRepos");
        List<Map<String, Object>> destinations = Yaml.list(project, "spec.destinations");
        Set<String> kinds = new HashSet<>();
        Yaml.list(project, "spec.namespaceResourceWhitelist").forEach(k -> kinds.add((String) k.get("kind")));

        assertThat(sourceRepos).doesNotContain("*").hasSize(1);
        assertThat(destinations).extracting(d -> d.get("namespace"))
                .containsExactlyInAnyOrderElementsOf(Charts.ENVIRONMENTS.stream().map(Charts::namespace).toList());
        assertThat(destinations).allSatisfy(d -> assertThat(d).containsEntry("server", "https://kubernetes.default.svc"));
        for (String environment : Charts.ENVIRONMENTS) {
            for (Map<String, Object> set : applicationSets(environment)) {
                assertThat(sourceRepos).contains(Yaml.<String>at(set, "spec.template.spec.source.repoURL"));
            }
        }
        assertThat(kinds).containsAll(Charts.all().stream().map(Manifest::kind).toList());
    }

    /** Fills a go-template string of an ApplicationSet with one list element. */
    private static String fill(String template, Map<String, Object> element) {
        String filled = template;
        for (Map.Entry<String, Object> e : element.entrySet()) {
            filled = filled.replace("{{." + e.getKey() + "}}", e.getValue().toString());
        }
        assertThat(filled).doesNotContain("{{");
        return filled;
    }
}
