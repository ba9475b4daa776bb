package dev.tollgate.connect.rollups;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * The warehouse row of one rollup window: the {@code RollupView} JSON of {@code tollgate.rollups.v1}
 * (docs/streams.md) flattened, with the rollup key split into its dimensions so that SQL can group by them.
 * Field names are snake_case, so the columns a JDBC sink creates need no quoting.
 *
 * <p>The primary key is ({@code granularity}, {@code rollup_key}, {@code window_start}): the streams app
 * republishes a window each time it changes, and the sink upserts on that key, so the row holds the window's latest
 * value.
 */
public final class UsageRollupSchema {

    /** Increase when a field is added; fields are only ever added, as optional, so a sink adds a column. */
    static final int VERSION = 2;

    public static final Schema SCHEMA = SchemaBuilder.struct().name("dev.tollgate.warehouse.UsageRollup")
            .version(VERSION)
            .doc("One usage rollup window of tollgate.rollups.v1, flattened for a warehouse table")
            .field("granularity", Schema.STRING_SCHEMA)
            .field("rollup_key", Schema.STRING_SCHEMA)
            .field("window_start", Timestamp.SCHEMA)
            .field("window_end", Timestamp.SCHEMA)
            .field("org_id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("model", Schema.OPTIONAL_STRING_SCHEMA)
            .field("key_id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("endpoint_id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("requests", Schema.INT64_SCHEMA)
            .field("errors", Schema.INT64_SCHEMA)
            .field("errors_by_status", Schema.OPTIONAL_STRING_SCHEMA)
            .field("prompt_tokens", Schema.INT64_SCHEMA)
            .field("completion_tokens", Schema.INT64_SCHEMA)
            .field("cost_micros", Schema.INT64_SCHEMA)
            .field("latency_p50_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .field("latency_p90_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .field("latency_p95_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .field("latency_p99_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .field("latency_max_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .field("ttft_p50_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .field("ttft_p90_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .field("ttft_p95_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .field("ttft_p99_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .field("ttft_max_ms", Schema.OPTIONAL_INT64_SCHEMA)
            // Version 2: the (org, team) rollups.
            .field("team_id", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] PERCENTILES = {"p50", "p90", "p95", "p99", "max"};

    private UsageRollupSchema() {
    }

    /**
     * The row of one rollup document, as a JSON converter without schemas reads it (objects as maps, numbers as
     * {@link Number}).
     *
     * @throws DataException naming the field, when a required field is missing or has the wrong type
     */
    static Struct row(Map<?, ?> document) {
        String key = text(document, "key");
        Struct row = new Struct(SCHEMA)
                .put("granularity", text(document, "granularity"))
                .put("rollup_key", key)
                .put("window_start", instant(document, "window_start"))
                .put("window_end", instant(document, "window_end"))
                .put("requests", number(document, "requests"))
                .put("errors", number(document, "errors"))
                .put("errors_by_status", errorsByStatus(document.get("errors_by_status")))
                .put("prompt_tokens", number(document, "prompt_tokens"))
                .put("completion_tokens", number(document, "completion_tokens"))
                .put("cost_micros", number(document, "cost_micros"));
        dimensions(key, row);
        percentiles(document.get("latency_ms"), "latency", row);
        percentiles(document.get("ttft_ms"), "ttft", row);
        return row;
    }

    /**
     * Splits {@code org=acme&model=llama-3-8b} (URL-encoded parts, see the streams app's {@code RollupKey}) into the
     * dimension columns. A dimension this version does not know is left in {@code rollup_key} only.
     */
    private static void dimensions(String key, Struct row) {
        for (String part : key.split("&")) {
            int eq = part.indexOf('=');
            if (eq < 1) {
                throw new DataException("rollup key '" + key + "' has a part without a name: '" + part + "'");
            }
            String value = URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            switch (part.substring(0, eq)) {
                case "org" -> row.put("org_id", value);
                case "model" -> row.put("model", value);
                case "key" -> row.put("key_id", value);
                case "endpoint" -> row.put("endpoint_id", value);
                case "team" -> row.put("team_id", value);
                default -> {
                    // a later dimension: kept in rollup_key
                }
            }
        }
    }

    private static void percentiles(Object value, String prefix, Struct row) {
        if (value == null) {
            return;
        }
        if (!(value instanceof Map<?, ?> percentiles)) {
            throw new DataException("rollup field '" + prefix + "_ms' must be an object of percentiles");
        }
        for (String p : PERCENTILES) {
            row.put(prefix + "_" + p + "_ms", number(percentiles, p));
        }
    }

    private static String errorsByStatus(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?>)) {
            throw new DataException("rollup field 'errors_by_status' must be an object");
        }
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new DataException("rollup field 'errors_by_status' cannot be written as JSON", e);
        }
    }

    private static String text(Map<?, ?> document, String field) {
        if (!(document.get(field) instanceof String value) || value.isEmpty()) {
            throw new DataException("rollup field '" + field + "' must be a non-empty string, but was "
                    + document.get(field));
        }
        return value;
    }

    private static long number(Map<?, ?> document, String field) {
        Object value = document.get(field);
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        throw new DataException("rollup field '" + field + "' must be an integer, but was " + value);
    }

    private static Date instant(Map<?, ?> document, String field) {
        String value = text(document, field);
        try {
            return Date.from(Instant.parse(value));
        } catch (DateTimeParseException e) {
            throw new DataException("rollup field '" + field + "' must be an ISO-8601 instant, but was " + value, e);
        }
    }
}
