package dev.tollgate.gateway.evals;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One immutable version of an evaluator: what it checks, which requests it scores, how many of them. */
@Entity
@Table(name = "evaluator_versions")
public class EvaluatorVersionEntity extends PanacheEntityBase {

    /** {@code <evaluator id>@<number>}. */
    @Id
    public String id;

    @Column(name = "evaluator_id", nullable = false)
    public String evaluatorId;

    @Column(nullable = false)
    public int number;

    @Column(nullable = false)
    public String name;

    /** The type's wire name, e.g. {@code json_schema}. */
    @Column(nullable = false)
    public String type;

    /** The definition as validated JSON text. */
    @Column(name = "definition_json", nullable = false)
    public String definitionJson;

    /** The selector as JSON text ({@code {}} matches everything). */
    @Column(name = "selector_json", nullable = false)
    public String selectorJson;

    @Column(name = "sampling_rate", nullable = false)
    public double samplingRate;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    static String key(String evaluatorId, int number) {
        return evaluatorId + "@" + number;
    }
}
