package dev.tollgate.gateway.evals;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A backfill as created: its published spec, kept as Avro JSON so that the admin API can show it again. */
@Entity
@Table(name = "eval_backfills")
public class EvalBackfillEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "evaluator_id", nullable = false)
    public String evaluatorId;

    @Column(name = "evaluator_version", nullable = false)
    public int evaluatorVersion;

    @Column(name = "spec_json", nullable = false)
    public String specJson;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
