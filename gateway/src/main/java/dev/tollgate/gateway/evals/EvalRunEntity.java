package dev.tollgate.gateway.evals;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An eval run as created: its published spec, kept as Avro JSON so that the admin API can show it again. */
@Entity
@Table(name = "eval_runs")
public class EvalRunEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "dataset_id", nullable = false)
    public String datasetId;

    @Column(name = "spec_json", nullable = false)
    public String specJson;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
