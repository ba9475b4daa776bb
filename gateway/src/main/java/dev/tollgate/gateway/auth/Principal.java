package dev.tollgate.gateway.auth;

import dev.tollgate.gateway.routing.Environment;
import java.util.EnumSet;
import java.util.Set;

/**
 * Who is calling: the key's public id, its tenancy and its limits, resolved from memory on every request.
 *
 * @param keyId         public id of the key, safe to log and to put in events
 * @param orgId         the org the key belongs to; every event is keyed by it
 * @param teamId        the team or project within the org, or null
 * @param allowedModels the models the key may use; empty means all
 * @param limits        the key's own rate limits; org limits apply on top
 * @param environment         where the key's requests go when they send no {@code x-tollgate-environment} header
 * @param allowedEnvironments the environments the key may send requests to, a permission like its models; never
 *                            empty (docs/security.md#environments)
 */
public record Principal(String keyId, String orgId, String teamId, Set<String> allowedModels, KeyLimits limits,
                        Environment environment, Set<Environment> allowedEnvironments) {

    /** Every environment: the permission of the bootstrap key and of principals built without one. */
    public static final Set<Environment> ANY_ENVIRONMENT = Set.copyOf(EnumSet.allOf(Environment.class));

    public Principal {
        allowedModels = Set.copyOf(allowedModels);
        limits = limits == null ? KeyLimits.UNLIMITED : limits;
        environment = environment == null ? Environment.PRODUCTION : environment;
        allowedEnvironments = allowedEnvironments == null || allowedEnvironments.isEmpty() ? ANY_ENVIRONMENT
                : Set.copyOf(allowedEnvironments);
    }

    /** A principal that may use every environment, its requests going to {@code environment} by default. */
    public Principal(String keyId, String orgId, String teamId, Set<String> allowedModels, KeyLimits limits,
                     Environment environment) {
        this(keyId, orgId, teamId, allowedModels, limits, environment, ANY_ENVIRONMENT);
    }

    /** A principal whose requests go to production unless they ask otherwise. */
    public Principal(String keyId, String orgId, String teamId, Set<String> allowedModels, KeyLimits limits) {
        this(keyId, orgId, teamId, allowedModels, limits, Environment.PRODUCTION);
    }

    /** A principal without rate limits of its own. */
    public Principal(String keyId, String orgId, String teamId, Set<String> allowedModels) {
        this(keyId, orgId, teamId, allowedModels, KeyLimits.UNLIMITED);
    }

    /** A principal with its own requests- and tokens-per-minute limits, each null for none. */
    public Principal(String keyId, String orgId, String teamId, Set<String> allowedModels, Long rpm, Long tpm) {
        this(keyId, orgId, teamId, allowedModels, new KeyLimits(rpm, tpm));
    }

    /** The key's own requests-per-minute limit, or null when only org limits apply. */
    public Long rpm() {
        return limits.requestsPerMinute();
    }

    /** The key's own tokens-per-minute limit, or null when only org limits apply. */
    public Long tpm() {
        return limits.tokensPerMinute();
    }

    /** Whether this key may send requests to {@code environment}; checked in memory, like {@link #mayUse}. */
    public boolean mayUse(Environment environment) {
        return allowedEnvironments.contains(environment);
    }

    /** Whether this key may call {@code model}. */
    public boolean mayUse(String model) {
        return allowedModels.isEmpty() || allowedModels.contains(model);
    }
}
