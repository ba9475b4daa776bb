package dev.tollgate.gateway.evals;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.control.v1.DatasetExample;
import dev.tollgate.gateway.admin.AdminException;
import dev.tollgate.gateway.admin.AdminIds;
import dev.tollgate.gateway.admin.JsonBody;
import dev.tollgate.gateway.admin.ListView;
import dev.tollgate.gateway.sync.StatePublisher;
import dev.tollgate.schemas.Topics;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Datasets: {@code /admin/v1/datasets}. A dataset is a set of examples (chat messages, an optional reference
 * output, tags) that eval runs send through the gateway. Examples are stored in PostgreSQL and published one by
 * one to {@code tollgate.dataset-examples.v1}, where the streams app finds an answer's reference and the evals
 * worker finds what to send. Adding an example with an id the dataset has replaces it.
 */
@Path("/admin/v1/datasets")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetsResource {

    private static final Logger LOG = Logger.getLogger(DatasetsResource.class);
    /** Examples per request at most; a larger dataset is added in several requests. */
    static final int MAX_EXAMPLES_PER_REQUEST = 10_000;
    static final int MAX_MESSAGES = 100;
    static final int MAX_TEXT = 100_000;
    static final int MAX_TAGS = 16;
    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

    private final StatePublisher publisher;

    @Inject
    DatasetsResource(StatePublisher publisher) {
        this.publisher = publisher;
    }

    /**
     * A dataset.
     *
     * @param id           dataset id
     * @param object       always {@code dataset}
     * @param name         for people
     * @param description  for people, or null
     * @param exampleCount how many examples it has
     * @param examples     its examples (one dataset shown), or null (a list of datasets)
     * @param createdAt    creation time
     * @param updatedAt    last change
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DatasetView(String id, String object, String name, String description, long exampleCount,
                              List<ExampleView> examples, Instant createdAt, Instant updatedAt) {
    }

    /**
     * An example.
     *
     * @param id              example id, unique in its dataset
     * @param messages        the chat messages sent
     * @param referenceOutput the expected answer, or null
     * @param tags            its tags
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ExampleView(String id, JsonNode messages, String referenceOutput, Map<String, String> tags) {
        static ExampleView of(DatasetExampleEntity row) {
            return new ExampleView(row.exampleId, EvalRecords.tree(row.messagesJson), row.referenceOutput,
                    EvalRecords.read(row.tagsJson, new TypeReference<Map<String, String>>() {
                    }));
        }
    }

    /**
     * Creates a dataset. Required: {@code name}. Optional: {@code id}, {@code description}, {@code examples} (as
     * in {@link #addExamples}).
     */
    @POST
    public Uni<RestResponse<DatasetView>> create(String raw) {
        JsonBody body = JsonBody.parse(raw);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        DatasetEntity dataset = new DatasetEntity();
        dataset.id = body.optionalText("id", JsonBody.ID, "a lowercase id of letters, digits, '-' or '_'")
                .orElseGet(() -> AdminIds.generate("ds_"));
        dataset.name = body.optionalName("name", 200)
                .orElseThrow(() -> AdminException.invalid("name", "'name' is required: a name for people."));
        dataset.description = body.optionalName("description", 2000).orElse(null);
        dataset.createdAt = now;
        dataset.updatedAt = now;
        List<DatasetExampleEntity> examples = examples(body.raw("examples"), dataset.id, now);
        return Panache.withTransaction(() -> DatasetEntity.findById(dataset.id)
                        .flatMap(existing -> existing != null
                                ? Uni.createFrom().failure(AdminException.conflict("id", "A dataset with id '"
                                        + dataset.id + "' already exists."))
                                : dataset.persist().call(d -> DatasetExampleEntity.persist(examples))))
                .call(d -> publishExamples(dataset.id, examples))
                .invoke(d -> LOG.infof("dataset created dataset=%s examples=%d", dataset.id, examples.size()))
                .map(d -> RestResponse.status(Response.Status.CREATED, new DatasetView(dataset.id, "dataset",
                        dataset.name, dataset.description, examples.size(),
                        examples.stream().map(ExampleView::of).toList(), dataset.createdAt, dataset.updatedAt)));
    }

    /**
     * Adds examples: {@code {"examples": [{"id", "messages": [{"role", "content"}], "reference_output", "tags"}]}}.
     * {@code id} is optional (generated); an example with the id of one the dataset has replaces it. At most
     * {@value #MAX_EXAMPLES_PER_REQUEST} per request.
     */
    @POST
    @Path("/{id}/examples")
    public Uni<DatasetView> addExamples(@PathParam("id") String id, String raw) {
        JsonBody body = JsonBody.parse(raw);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        JsonNode given = body.raw("examples");
        if (given == null) {
            throw AdminException.invalid("examples", "'examples' is required: an array of examples.");
        }
        List<DatasetExampleEntity> examples = examples(given, id, now);
        return Panache.withTransaction(() -> require(id).call(dataset -> {
                    dataset.updatedAt = now;
                    List<String> keys = examples.stream().map(e -> e.id).toList();
                    // A bulk delete runs at once, so the replacements persist under the same ids.
                    return DatasetExampleEntity.delete("id in ?1", keys)
                            .call(deleted -> DatasetExampleEntity.persist(examples));
                }))
                .call(dataset -> publishExamples(id, examples))
                .invoke(dataset -> LOG.infof("dataset examples added dataset=%s examples=%d", id, examples.size()))
                .flatMap(dataset -> Panache.withSession(() -> view(dataset)));
    }

    /** Every dataset, with its example count. */
    @GET
    public Uni<ListView<DatasetView>> list() {
        return Panache.withSession(() -> DatasetEntity.<DatasetEntity>list("order by id")
                .flatMap(all -> DatasetExampleEntity.getSession().flatMap(session -> session
                        .createSelectionQuery("select e.datasetId, count(e) from DatasetExampleEntity e "
                                + "group by e.datasetId", Object[].class).getResultList())
                        .map(counts -> {
                            Map<String, Long> byDataset = new HashMap<>();
                            counts.forEach(row -> byDataset.put((String) row[0], (Long) row[1]));
                            return ListView.of(all.stream().map(d -> new DatasetView(d.id, "dataset", d.name,
                                    d.description, byDataset.getOrDefault(d.id, 0L), null, d.createdAt,
                                    d.updatedAt)).toList());
                        })));
    }

    /** One dataset with its examples. */
    @GET
    @Path("/{id}")
    public Uni<DatasetView> get(@PathParam("id") String id) {
        return Panache.withSession(() -> require(id).flatMap(DatasetsResource::view));
    }

    /** Deletes one example; its tombstone removes it from the streams app and the worker. */
    @DELETE
    @Path("/{id}/examples/{exampleId}")
    public Uni<DatasetView> deleteExample(@PathParam("id") String id, @PathParam("exampleId") String exampleId) {
        String key = DatasetExampleEntity.key(id, exampleId);
        return Panache.withTransaction(() -> require(id).call(d -> DatasetExampleEntity.deleteById(key)
                        .invoke(deleted -> {
                            if (!deleted) {
                                throw AdminException.notFound("example", exampleId);
                            }
                        })))
                .call(d -> publisher.publish(Topics.DATASET_EXAMPLES, key, null, "example=" + key))
                .flatMap(d -> Panache.withSession(() -> view(d)));
    }

    /** Deletes a dataset and publishes the tombstone of each of its examples. Runs already made keep their scores. */
    @DELETE
    @Path("/{id}")
    public Uni<DatasetView> delete(@PathParam("id") String id) {
        return Panache.withTransaction(() -> require(id).flatMap(d -> view(d)
                        .call(v -> DatasetExampleEntity.delete("datasetId", id))
                        .call(v -> d.delete())))
                .call(v -> {
                    Map<String, DatasetExample> tombstones = new LinkedHashMap<>();
                    v.examples().forEach(e -> tombstones.put(DatasetExampleEntity.key(id, e.id()), null));
                    return publisher.publishAll(Topics.DATASET_EXAMPLES, tombstones, "dataset=" + id + " deleted");
                })
                .invoke(v -> LOG.infof("dataset deleted dataset=%s examples=%d", id, v.exampleCount()));
    }

    private Uni<Void> publishExamples(String datasetId, List<DatasetExampleEntity> examples) {
        Map<String, DatasetExample> records = new LinkedHashMap<>();
        examples.forEach(e -> records.put(e.id, EvalRecords.example(e)));
        return publisher.publishAll(Topics.DATASET_EXAMPLES, records, "dataset=" + datasetId);
    }

    private static Uni<DatasetEntity> require(String id) {
        return DatasetEntity.<DatasetEntity>findById(id).onItem().ifNull()
                .failWith(() -> AdminException.notFound("dataset", id));
    }

    private static Uni<DatasetView> view(DatasetEntity d) {
        return DatasetExampleEntity.<DatasetExampleEntity>list("datasetId = ?1 order by exampleId", d.id)
                .map(rows -> new DatasetView(d.id, "dataset", d.name, d.description, rows.size(),
                        rows.stream().map(ExampleView::of).toList(), d.createdAt, d.updatedAt));
    }

    /** The examples of a request body, each checked; 400 naming {@code examples[i].field} at the first problem. */
    static List<DatasetExampleEntity> examples(JsonNode given, String datasetId, Instant now) {
        if (given == null) {
            return List.of();
        }
        if (!given.isArray()) {
            throw AdminException.invalid("examples", "'examples' must be an array of examples.");
        }
        if (given.size() > MAX_EXAMPLES_PER_REQUEST) {
            throw AdminException.invalid("examples", "'examples' holds " + given.size() + " examples; add at most "
                    + MAX_EXAMPLES_PER_REQUEST + " per request.");
        }
        List<DatasetExampleEntity> rows = new ArrayList<>(given.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < given.size(); i++) {
            DatasetExampleEntity row = example(given.get(i), "examples[" + i + "]", datasetId, now);
            if (!seen.add(row.exampleId)) {
                throw AdminException.invalid("examples[" + i + "].id", "'examples[" + i + "].id' repeats the id '"
                        + row.exampleId + "' of an earlier example.");
            }
            rows.add(row);
        }
        return rows;
    }

    private static DatasetExampleEntity example(JsonNode node, String path, String datasetId, Instant now) {
        if (node == null || !node.isObject()) {
            throw AdminException.invalid(path, "'" + path + "' must be an object.");
        }
        DatasetExampleEntity row = new DatasetExampleEntity();
        row.datasetId = datasetId;
        JsonNode id = node.get("id");
        if (id != null && !id.isNull() && (!id.isTextual() || !JsonBody.ID.matcher(id.asText()).matches())) {
            throw AdminException.invalid(path + ".id", "'" + path + ".id' must be a lowercase id of letters, digits, "
                    + "'-' or '_'.");
        }
        row.exampleId = id == null || id.isNull() ? AdminIds.generate("ex_") : id.asText();
        row.id = DatasetExampleEntity.key(datasetId, row.exampleId);
        row.messagesJson = messages(node.get("messages"), path + ".messages").toString();
        row.referenceOutput = text(node.get("reference_output"), path + ".reference_output");
        row.tagsJson = tags(node.get("tags"), path + ".tags");
        row.updatedAt = now;
        return row;
    }

    private static JsonNode messages(JsonNode messages, String path) {
        if (messages == null || !messages.isArray() || messages.isEmpty() || messages.size() > MAX_MESSAGES) {
            throw AdminException.invalid(path, "'" + path + "' is required: 1 to " + MAX_MESSAGES
                    + " chat messages of {\"role\", \"content\"}.");
        }
        var normalized = EvalRecords.JSON.createArrayNode();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String at = path + "[" + i + "]";
            String role = message.path("role").asText("");
            if (!ROLES.contains(role)) {
                throw AdminException.invalid(at + ".role", "'" + at + ".role' must be system, user, assistant or tool.");
            }
            String content = text(message.get("content"), at + ".content");
            if (content == null) {
                throw AdminException.invalid(at + ".content", "'" + at + ".content' is required: the message's text.");
            }
            normalized.addObject().put("role", role).put("content", content);
        }
        return normalized;
    }

    private static String text(JsonNode value, String path) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().length() > MAX_TEXT) {
            throw AdminException.invalid(path, "'" + path + "' must be a string of at most " + MAX_TEXT
                    + " characters.");
        }
        return value.asText();
    }

    private static String tags(JsonNode tags, String path) {
        if (tags == null || tags.isNull()) {
            return "{}";
        }
        if (!tags.isObject() || tags.size() > MAX_TAGS) {
            throw AdminException.invalid(path, "'" + path + "' must be an object of at most " + MAX_TAGS
                    + " string values.");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (var field : (Iterable<Map.Entry<String, JsonNode>>) tags::fields) {
            if (!field.getValue().isTextual() || field.getKey().length() > 64 || field.getValue().asText().length() > 512) {
                throw AdminException.invalid(path + "." + field.getKey(), "'" + path + "." + field.getKey()
                        + "' must be a string of at most 512 characters, under a key of at most 64.");
            }
            values.put(field.getKey(), field.getValue().asText());
        }
        return EvalRecords.write(values);
    }
}
