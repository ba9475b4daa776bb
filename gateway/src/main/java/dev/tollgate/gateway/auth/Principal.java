package dev.tollgate.gateway.auth;

import java.util.Set;

/**
 * Who is calling: the key's public id and its tenancy, resolved from memory on every request.
 *
 * @param keyId         public id of the key, safe to log and to put in events
 * @param orgId         the org the key belongs to; every event is keyed by it
 * @param teamId        the team or project within the org, or null
 * @param allowedModels the models the key may use; empty means all
 * @param rpm           the key's own requests-per-minute limit, or null for none (only org limits apply)
 * @param tpm           the key's own tokens-per-minute limit, or null for none (only org limits apply)
 */
public record Principal(String keyId, String orgId, String teamId, Set<String> allowedModels, Long rpm, Long tpm) {

    public Principal {
        allowedModels = Set.copyOf(allowedModels);
        if ((rpm != null && rpm < 0) || (tpm != null && tpm < 0)) {
            throw new IllegalArgumentException("rate limits must not be negative");
        }
    }

    /** A key with no limits of its own. */
    public Principal(String keyId, String orgId, String teamId, Set<String> allowedModels) {
        this(keyId, orgId, teamId, allowedModels, null, null);
    }

    /** Whether this key may call {@code model}. */
    public boolean mayUse(String model) {
        return allowedModels.isEmpty() || allowedModels.contains(model);
    }
}
