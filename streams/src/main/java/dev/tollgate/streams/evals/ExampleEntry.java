package dev.tollgate.streams.evals;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.tollgate.control.v1.DatasetExample;

/**
 * What the examples store keeps of a dataset example: its reference output, which the scorer joins with the
 * answer of a run request for that example.
 *
 * @param datasetId       dataset id
 * @param exampleId       example id
 * @param referenceOutput the expected answer, or null
 */
record ExampleEntry(
        @JsonProperty("dataset_id") String datasetId,
        @JsonProperty("example_id") String exampleId,
        @JsonProperty("reference_output") String referenceOutput) {

    static ExampleEntry of(DatasetExample example) {
        return new ExampleEntry(example.getDatasetId(), example.getExampleId(), example.getReferenceOutput());
    }

    /** The store key of an example, as the topic keys it. */
    static String key(String datasetId, String exampleId) {
        return datasetId + "/" + exampleId;
    }
}
