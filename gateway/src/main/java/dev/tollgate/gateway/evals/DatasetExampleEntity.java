package dev.tollgate.gateway.evals;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One example of a dataset: the messages sent, the reference answer, its tags. */
@Entity
@Table(name = "dataset_examples")
public class DatasetExampleEntity extends PanacheEntityBase {

    /** {@code <dataset id>/<example id>}, the key on {@code tollgate.dataset-examples.v1} too. */
    @Id
    public String id;

    @Column(name = "dataset_id", nullable = false)
    public String datasetId;

    @Column(name = "example_id", nullable = false)
    public String exampleId;

    /** The chat messages, as a JSON array of {@code {role, content}}. */
    @Column(name = "messages_json", nullable = false)
    public String messagesJson;

    @Column(name = "reference_output")
    public String referenceOutput;

    /** The tags, as a JSON object of strings. */
    @Column(name = "tags_json", nullable = false)
    public String tagsJson = "{}";

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    static String key(String datasetId, String exampleId) {
        return datasetId + "/" + exampleId;
    }
}
