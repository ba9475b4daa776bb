package dev.tollgate.gateway.alerting;

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
 * An alert rule row, the system of record for {@code tollgate.alert-rules.v1}. Choices are stored in lowercase as
 * the admin API spells them, durations in milliseconds, labels and annotations as JSON objects, receivers as
 * comma-separated ids; {@link AlertingRecords#rule} turns a row into the published record.
 */
@Entity
@Table(name = "alert_rules")
public class AlertRuleEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String kind;

    @Column(nullable = false)
    public String scope;

    @Column(name = "scope_id")
    public String scopeId;

    @Column(name = "window_ms", nullable = false)
    public long windowMs;

    @Column(nullable = false)
    public double threshold;

    @Column(name = "min_requests", nullable = false)
    public long minRequests;

    @Column(nullable = false)
    public int percentile;

    public String metric;

    @Column(name = "baseline_ms", nullable = false)
    public long baselineMs;

    @Column(name = "min_spend_micros", nullable = false)
    public long minSpendMicros;

    @Column(name = "for_ms", nullable = false)
    public long forMs;

    @Column(name = "keep_firing_for_ms", nullable = false)
    public long keepFiringForMs;

    @Column(nullable = false)
    public String severity;

    /** A JSON object of strings. */
    @Column(nullable = false)
    public String labels = "{}";

    /** A JSON object of strings. */
    @Column(nullable = false)
    public String annotations = "{}";

    /** Comma-separated receiver ids. */
    @Column(nullable = false)
    public String receivers = "";

    @Column(nullable = false)
    public boolean enabled = true;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Version
    public long version;

    /** The receiver ids, in the order given. */
    public List<String> receiverList() {
        return receivers.isEmpty() ? List.of() : Arrays.asList(receivers.split(","));
    }

    /** Sets the receiver ids. */
    public void receiverList(List<String> ids) {
        receivers = String.join(",", ids);
    }

    @Override
    public String toString() {
        return "AlertRuleEntity[id=" + id + ", name=" + name + ", kind=" + kind + "]";
    }
}
