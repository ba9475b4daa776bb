package dev.tollgate.gateway.tenancy;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * An API key row. It holds the key's SHA-256 digest and public prefix, never the key itself. The version
 * increments on every change and travels with the published state, so replicas never apply an older state
 * over a newer one.
 */
@Entity
@Table(name = "api_keys")
public class ApiKeyEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(name = "team_id")
    public String teamId;

    public String name;

    @Column(nullable = false)
    public String prefix;

    @Column(nullable = false)
    public byte[] digest;

    /** Comma-separated model names; model names cannot contain a comma (see {@code AdminValidation}). */
    @Column(name = "allowed_models", nullable = false)
    public String allowedModels = "";

    @Column(name = "rpm_limit")
    public Long rpmLimit;

    @Column(name = "tpm_limit")
    public Long tpmLimit;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** {@code development}, {@code staging} or {@code production}, or null for production. */
    public String environment;

    /**
     * Comma-separated environments the key may send requests to; null for a key created before issue #24 (then
     * {@code tollgate.keys.legacy-environments} decides).
     */
    @Column(name = "allowed_environments")
    public String allowedEnvironments;

    @Version
    public long version;

    /** The allowed environments as a list, or null for a key created before they were a permission. */
    public List<String> allowedEnvironmentList() {
        return allowedEnvironments == null ? null : Arrays.asList(allowedEnvironments.split(","));
    }

    /** The allowed models as a list; empty means all. */
    public List<String> allowedModelList() {
        return allowedModels.isEmpty() ? List.of() : Arrays.asList(allowedModels.split(","));
    }

    /** Sets the allowed models from a list. */
    public void allowedModelList(List<String> models) {
        allowedModels = String.join(",", models);
    }
}
