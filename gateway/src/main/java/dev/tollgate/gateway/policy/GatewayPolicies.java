package dev.tollgate.gateway.policy;

import dev.tollgate.control.v1.GatewayPolicy;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway policies of every org and key, in memory, as {@link PolicyFeed} follows them from
 * {@code tollgate.gateway-policies.v1}. The request path asks here, never PostgreSQL: two map lookups per question.
 * A key's setting, where it has one, wins over its org's; null means neither set it and the caller's default applies.
 */
@Singleton
public class GatewayPolicies {

    /**
     * The settings of one scope; a null field is not set at this scope.
     *
     * @param cacheEnabled       whether eligible requests use the response cache
     * @param cacheTtlSeconds    how long a cached answer stays
     * @param redactionEnabled   whether captured content is redacted
     * @param redactionDetectors the detectors that run; null for all
     * @param version            the row version; an older state never replaces a newer one
     */
    public record Policy(Boolean cacheEnabled, Long cacheTtlSeconds, Boolean redactionEnabled,
                         List<String> redactionDetectors, long version) {
    }

    private final Map<String, Policy> orgs = new ConcurrentHashMap<>();
    private final Map<String, Policy> keys = new ConcurrentHashMap<>();

    /** Whether the cache is on for requests of {@code keyId} in {@code orgId}; null when neither scope says. */
    public Boolean cacheEnabled(String orgId, String keyId) {
        Policy key = keys.get(keyId);
        if (key != null && key.cacheEnabled() != null) {
            return key.cacheEnabled();
        }
        Policy org = orgs.get(orgId);
        return org == null ? null : org.cacheEnabled();
    }

    /** The cache TTL in seconds for requests of {@code keyId} in {@code orgId}; null when neither scope says. */
    public Long cacheTtlSeconds(String orgId, String keyId) {
        Policy key = keys.get(keyId);
        if (key != null && key.cacheTtlSeconds() != null) {
            return key.cacheTtlSeconds();
        }
        Policy org = orgs.get(orgId);
        return org == null ? null : org.cacheTtlSeconds();
    }

    /** Whether captured content of {@code keyId} in {@code orgId} is redacted; null when neither scope says. */
    public Boolean redactionEnabled(String orgId, String keyId) {
        Policy key = keys.get(keyId);
        if (key != null && key.redactionEnabled() != null) {
            return key.redactionEnabled();
        }
        Policy org = orgs.get(orgId);
        return org == null ? null : org.redactionEnabled();
    }

    /** The redaction detectors for {@code keyId} in {@code orgId}; null when neither scope chose (all run). */
    public List<String> redactionDetectors(String orgId, String keyId) {
        Policy key = keys.get(keyId);
        if (key != null && key.redactionDetectors() != null) {
            return key.redactionDetectors();
        }
        Policy org = orgs.get(orgId);
        return org == null ? null : org.redactionDetectors();
    }

    /**
     * Holds the policy a record of {@code tollgate.gateway-policies.v1} carries, unless a newer version of the same
     * scope is held. What {@link PolicyFeed} applies; public so that the features that read policies can be tested
     * with the records the topic carries.
     */
    public void apply(GatewayPolicy state) {
        Scope scope = Scope.parse(state.getScope()).orElse(null);
        if (scope == null) {
            return;
        }
        List<String> detectors = state.getRedactionDetectors() == null ? null
                : List.copyOf(state.getRedactionDetectors());
        Policy policy = new Policy(state.getCacheEnabled(), state.getCacheTtlSeconds(), state.getRedactionEnabled(),
                detectors, state.getVersion());
        (scope == Scope.ORG ? orgs : keys).merge(state.getScopeId(), policy,
                (old, fresh) -> fresh.version() >= old.version() ? fresh : old);
    }

    /** Forgets the policy of a scope (a tombstone on the topic). */
    void remove(Scope scope, String scopeId) {
        (scope == Scope.ORG ? orgs : keys).remove(scopeId);
    }
}
