package dev.tollgate.gateway.policy;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** The gateway settings of one org or key as PostgreSQL holds them; the id is {@code org:<id>} or {@code key:<id>}. */
@Entity
@Table(name = "gateway_policies")
public class PolicyEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Column(nullable = false)
    public String scope;

    @Column(name = "scope_id", nullable = false)
    public String scopeId;

    @Column(name = "cache_enabled")
    public Boolean cacheEnabled;

    @Column(name = "cache_ttl_seconds")
    public Long cacheTtlSeconds;

    @Column(name = "redaction_enabled")
    public Boolean redactionEnabled;

    /** Detector names, comma-separated; null for all. */
    @Column(name = "redaction_detectors")
    public String redactionDetectors;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Version
    public long version;
}
