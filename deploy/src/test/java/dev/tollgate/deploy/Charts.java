package dev.tollgate.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Renders and lints the charts under helm/ with real Helm (helm-java), with the values files and release names
 * the ArgoCD manifests give them: helm/&lt;chart&gt;/values-&lt;environment&gt;.yaml, plus models/&lt;model&gt;.yaml
 * for vllm-model, in namespace tollgate-&lt;environment&gt;.
 *
 * <p>helm-java's template prints the release's manifest without its hooks (the registration, deregistration, topics,
 * connector and eval-gate Jobs). So charts are rendered from a copy in target/ in which the {@code helm.sh/hook}
 * annotation key is renamed ({@link #HOOK_STAND_IN}), which makes Helm render hooks as plain resources; the key is
 * renamed back in every rendered object, so the tests see each object exactly as the chart defines it.
 */
final class Charts {

    static final List<String> ENVIRONMENTS = List.of("development", "staging", "production");
    static final List<String> CHARTS = List.of("gateway", "streams", "notifier", "connect", "vllm-model");
    /** The model argocd/&lt;environment&gt;/models.yaml deploys. */
    static final String MODEL = "llama-3-8b";

    static final String HOOK = "helm.sh/hook";
    static final String HOOK_STAND_IN = "tollgate.dev/rendered-helm-hook";

    private static final Map<String, List<Manifest>> RENDERED = new ConcurrentHashMap<>();
    private static final Map<String, Path> RENDERABLE = new ConcurrentHashMap<>();

    private Charts() {
    }

    static String releaseName(String chart) {
        return chart.equals("vllm-model") ? MODEL : "tollgate-" + chart;
    }

    static String namespace(String environment) {
        return "tollgate-" + environment;
    }

    static List<Path> valueFiles(String chart, String environment) {
        List<Path> files = new ArrayList<>();
        files.add(Repo.chart(chart).resolve("values-" + environment + ".yaml"));
        if (chart.equals("vllm-model")) {
            files.add(Repo.chart(chart).resolve("models").resolve(MODEL + ".yaml"));
        }
        return files;
    }

    /** What ArgoCD applies for this chart in this environment (cached: the charts do not change during a run). */
    static List<Manifest> render(String chart, String environment) {
        return RENDERED.computeIfAbsent(chart + "/" + environment, key -> render(chart, environment, Map.of()));
    }

    /** Every manifest of every chart in every environment. */
    static List<Manifest> all() {
        List<Manifest> all = new ArrayList<>();
        for (String chart : CHARTS) {
            for (String environment : ENVIRONMENTS) {
                all.addAll(render(chart, environment));
            }
        }
        return all;
    }

    /** Renders with --set overrides on top of the environment's values; Helm's errors surface as exceptions. */
    static List<Manifest> render(String chart, String environment, Map<String, Object> sets) {
        return Yaml.documents(template(chart, environment, sets)).stream()
                .map(Charts::restoreHookAnnotation)
                .map(body -> new Manifest(chart, environment, body)).toList();
    }

    static String template(String chart, String environment, Map<String, Object> sets) {
        TemplateCommand template = new Helm(renderable(chart)).template()
                .withName(releaseName(chart)).withNamespace(namespace(environment));
        for (Path file : valueFiles(chart, environment)) {
            template = template.withValuesFile(file);
        }
        for (Map.Entry<String, Object> set : sets.entrySet()) {
            template = template.set(set.getKey(), set.getValue());
        }
        return template.call();
    }

    /** The chart copied to target/render with hooks made renderable (see the class comment). */
    private static Path renderable(String chart) {
        return RENDERABLE.computeIfAbsent(chart, name -> {
            Path copy = Path.of("target", "render", name).toAbsolutePath();
            copyTree(Repo.chart(name), copy);
            try (Stream<Path> templates = Files.list(copy.resolve("templates"))) {
                for (Path template : templates.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                    Files.writeString(template, Files.readString(template).replace(HOOK + ":", HOOK_STAND_IN + ":"));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return copy;
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> restoreHookAnnotation(Map<String, Object> body) {
        Object metadata = body.get("metadata");
        if (metadata instanceof Map<?, ?> meta && meta.get("annotations") instanceof Map<?, ?> annotations
                && annotations.containsKey(HOOK_STAND_IN)) {
            Map<String, Object> restored = new LinkedHashMap<>();
            ((Map<String, Object>) annotations).forEach((key, value) ->
                    restored.put(key.equals(HOOK_STAND_IN) ? HOOK : key, value));
            ((Map<String, Object>) meta).put("annotations", restored);
        }
        return body;
    }

    static List<Manifest> ofKind(List<Manifest> manifests, String kind) {
        return manifests.stream().filter(m -> kind.equals(m.kind())).toList();
    }

    static Manifest one(List<Manifest> manifests, String kind) {
        List<Manifest> found = ofKind(manifests, kind);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + ", found " + found);
        }
        return found.get(0);
    }

    /**
     * helm lint --strict of the chart with this environment's values. helm-java's lint reads only the chart's own
     * values.yaml, so the chart is copied to target/ with values.yaml replaced by the chart's values merged with
     * the environment's the way Helm merges them (maps key by key, anything else replaced).
     */
    static LintResult lint(String chart, String environment, Path workDir) {
        Path copy = workDir.resolve(chart + "-" + environment).resolve(chart);
        copyTree(Repo.chart(chart), copy);
        Map<String, Object> values = Yaml.file(Repo.chart(chart).resolve("values.yaml"));
        for (Path file : valueFiles(chart, environment)) {
            values = merge(values, Yaml.file(file));
        }
        try {
            Files.writeString(copy.resolve("values.yaml"), Yaml.MAPPER.writeValueAsString(values));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Helm(copy).lint().strict().call();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> override) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        override.forEach((key, value) -> {
            Object current = merged.get(key);
            if (current instanceof Map<?, ?> currentMap && value instanceof Map<?, ?> valueMap) {
                merged.put(key, merge((Map<String, Object>) currentMap, (Map<String, Object>) valueMap));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            if (Files.exists(to)) {
                try (Stream<Path> old = Files.walk(to)) {
                    old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
