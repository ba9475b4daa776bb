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
 * A receiver row, the system of record for {@code tollgate.alert-receivers.v1}. {@code url} is a secret: it is
 * published to the notifier (which needs it), but never logged ({@link #toString()} leaves it out) and never
 * returned by the admin API ({@link UrlMask}).
 */
@Entity
@Table(name = "alert_receivers")
public class AlertReceiverEntity extends PanacheEntityBase {

    @Id
    public String id;

    /** {@code webhook} or {@code slack}. */
    @Column(nullable = false)
    public String type;

    @Column(nullable = false)
    public String url;

    /** Comma-separated label names. */
    @Column(name = "group_by", nullable = false)
    public String groupBy = "alertname";

    @Column(name = "group_wait_ms", nullable = false)
    public long groupWaitMs;

    @Column(name = "group_interval_ms", nullable = false)
    public long groupIntervalMs;

    @Column(name = "repeat_interval_ms", nullable = false)
    public long repeatIntervalMs;

    @Column(name = "send_resolved", nullable = false)
    public boolean sendResolved = true;

    @Column(name = "max_per_second", nullable = false)
    public double maxPerSecond;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Version
    public long version;

    /** The label names alerts are grouped by. */
    public List<String> groupByList() {
        return groupBy.isEmpty() ? List.of() : Arrays.asList(groupBy.split(","));
    }

    /** Sets the label names alerts are grouped by. */
    public void groupByList(List<String> labels) {
        groupBy = String.join(",", labels);
    }

    @Override
    public String toString() {
        return "AlertReceiverEntity[id=" + id + ", type=" + type + "]";
    }
}
