package dev.tollgate.gateway.admin;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * A named admin credential: the SHA-256 digest and public prefix of its token, never the token (shown once, when it
 * is created). {@code role} is {@code admin} or {@code read_only}.
 */
@Entity
@Table(name = "admin_credentials")
public class AdminCredentialEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String role;

    @Column(nullable = false)
    public String prefix;

    @Column(nullable = false)
    public byte[] digest;

    /** The id of the credential that created it ({@code master} for the master token). */
    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Version
    public long version;

    @Override
    public String toString() {
        return "AdminCredentialEntity[id=" + id + ", name=" + name + ", role=" + role + "]";
    }
}
