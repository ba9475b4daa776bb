package dev.tollgate.gateway.alerting;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** A silence row, the system of record for {@code tollgate.alert-silences.v1}. */
@Entity
@Table(name = "alert_silences")
public class AlertSilenceEntity extends PanacheEntityBase {

    @Id
    public String id;

    /** Label name to value, a JSON object of strings. */
    @Column(nullable = false)
    public String matchers;

    @Column(name = "starts_at", nullable = false)
    public Instant startsAt;

    @Column(name = "ends_at", nullable = false)
    public Instant endsAt;

    @Column(name = "created_by")
    public String createdBy;

    @Column(nullable = false)
    public String comment;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Version
    public long version;

    /** {@code pending} before it starts, {@code active} until it ends, then {@code expired}. */
    public String state(Instant now) {
        return now.isBefore(startsAt) ? "pending" : now.isBefore(endsAt) ? "active" : "expired";
    }
}
