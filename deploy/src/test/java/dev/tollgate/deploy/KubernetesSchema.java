package dev.tollgate.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Strict validation of a Kubernetes manifest against the Kubernetes API schema, as the fabric8 model carries it
 * (classes generated from Kubernetes' OpenAPI schema and, for ServiceMonitor, from the Prometheus operator's CRD).
 * The manifest is bound to the class of its apiVersion and kind: a value of the wrong type fails to bind, and a
 * field the schema does not define lands in some object's additional properties, which this class reports with
 * its path. That is what {@code kubectl apply --validate=strict} refuses.
 */
final class KubernetesSchema {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);

    /** Every kind the charts may render. A kind missing here is a violation, so none slips through unchecked. */
    private static final Map<String, Class<?>> TYPES = Map.ofEntries(
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("batch/v1/Job", Job.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class));

    private KubernetesSchema() {
    }

    /** What is wrong with the manifest; empty when it is valid. */
    static List<String> violations(Map<String, Object> manifest) {
        String type = manifest.get("apiVersion") + "/" + manifest.get("kind");
        Class<?> model = TYPES.get(type);
        if (model == null) {
            return List.of("no schema for " + type);
        }
        Object typed;
        try {
            typed = MAPPER.convertValue(manifest, model);
        } catch (IllegalArgumentException e) {
            return List.of(type + ": " + e.getMessage());
        }
        List<String> violations = new ArrayList<>();
        walk(typed, type, violations);
        return violations;
    }

    private static void walk(Object node, String path, List<String> violations) {
        if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), path + "[" + i + "]", violations);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> walk(value, path + "." + key, violations));
            return;
        }
        if (node == null || !node.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object value = invoke(getter, node);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> unknown && !unknown.isEmpty()) {
                    violations.add(path + ": unknown field(s) " + unknown.keySet());
                }
            } else {
                walk(value, path + "." + decapitalize(getter.getName().substring(3)), violations);
            }
        }
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + getter, e);
        }
    }

    private static String decapitalize(String name) {
        return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
