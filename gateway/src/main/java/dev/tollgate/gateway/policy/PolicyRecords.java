package dev.tollgate.gateway.policy;

import dev.tollgate.control.v1.GatewayPolicy;
import java.util.Arrays;
import java.util.List;

/** Turns a policy row into the record published on {@code tollgate.gateway-policies.v1}. */
final class PolicyRecords {

    private PolicyRecords() {
    }

    static GatewayPolicy state(PolicyEntity row) {
        return GatewayPolicy.newBuilder()
                .setScope(row.scope)
                .setScopeId(row.scopeId)
                .setCacheEnabled(row.cacheEnabled)
                .setCacheTtlSeconds(row.cacheTtlSeconds)
                .setRedactionEnabled(row.redactionEnabled)
                .setRedactionDetectors(detectors(row.redactionDetectors))
                .setVersion(row.version)
                .build();
    }

    static List<String> detectors(String joined) {
        return joined == null ? null : Arrays.stream(joined.split(",")).filter(s -> !s.isEmpty()).toList();
    }
}
