package dev.tollgate.gateway.auth;

import java.util.Set;

/**
 * Who is calling: the key's public id and its tenancy, resolved from memory on every request.
 *
 * @param keyId         public id of the key, safe to log and to put in events
 * @param orgId         the org the key belongs to; every event is keyed by it
 * @param teamId        the team or project within the org, or null
 * @param allowedModels the models the key may use; empty means all
 * @param limits        the key's rate limits
 */
public record Principal(String keyId, String orgId, String teamId, Set<String> allowedModels, KeyLimits limits) {

    public Principal {
        allowedModels = Set.copyOf(allowedModels);
        limits = limits == null ? KeyLimits.UNLIMITED : limits;
    }

    /** A principal without rate limits. */
    public Principal(String keyId, String orgId, String teamId, Set<String> allowedModels) {
        this(keyId, orgId, teamId, allowedModels, KeyLimits.UNLIMITED);
    }

    /** Whether this key may call {@code model}. */
    public boolean mayUse(String model) {
        return allowedModels.isEmpty() || allowedModels.contains(model);
    }
}
