package dev.tollgate.deploy;

import java.util.Map;

/**
 * One Kubernetes object rendered by Helm.
 *
 * @param chart       the chart that rendered it
 * @param environment the environment whose values were used
 * @param body        the object as parsed YAML
 */
record Manifest(String chart, String environment, Map<String, Object> body) {

    String kind() {
        return Yaml.at(body, "kind");
    }

    String name() {
        return Yaml.at(body, "metadata.name");
    }

    Map<String, Object> annotations() {
        return Yaml.map(body, "metadata.annotations");
    }

    /** The pod template of a workload (Deployment, StatefulSet, Job), or null for other kinds. */
    Map<String, Object> podSpec() {
        return Yaml.at(body, "spec.template.spec");
    }

    boolean isHook() {
        return annotations().containsKey("helm.sh/hook");
    }

    @Override
    public String toString() {
        return chart + "/" + environment + ": " + kind() + " " + name();
    }
}
