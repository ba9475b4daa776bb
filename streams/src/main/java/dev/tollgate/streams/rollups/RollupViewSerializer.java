package dev.tollgate.streams.rollups;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a {@link RollupView} as the JSON published on {@code tollgate.rollups.v1}: the same document, field for
 * field and in the same order, that Jackson writes for it under its {@code @JsonProperty} names (absent
 * {@code ttft_ms} left out); {@code RollupViewSerializerTest} compares the two.
 *
 * <p>Why by hand: the app publishes one view per changed window and commit, about as many as it gets events, and
 * Jackson's reflective record serialization was a visible share of the stream thread's time. The document is flat
 * and its strings are ids, labels and timestamps, so a direct writer is short.
 */
public final class RollupViewSerializer implements Serializer<RollupView> {

    @Override
    public byte[] serialize(String topic, RollupView view) {
        return view == null ? null : toJson(view).getBytes(StandardCharsets.UTF_8);
    }

    static String toJson(RollupView view) {
        StringBuilder json = new StringBuilder(384);
        json.append('{');
        string(json, "object", view.object());
        string(json, "granularity", view.granularity());
        string(json, "key", view.key());
        string(json, "window_start", view.windowStart());
        string(json, "window_end", view.windowEnd());
        name(json, "requests").append(view.requests());
        name(json, "errors").append(view.errors());
        if (view.errorsByStatus() != null) {
            name(json, "errors_by_status").append('{');
            boolean first = true;
            for (Map.Entry<String, Long> entry : view.errorsByStatus().entrySet()) {
                if (!first) {
                    json.append(',');
                }
                first = false;
                quoted(json, entry.getKey()).append(':').append(entry.getValue());
            }
            json.append('}');
        }
        name(json, "prompt_tokens").append(view.promptTokens());
        name(json, "completion_tokens").append(view.completionTokens());
        name(json, "cost_micros").append(view.costMicros());
        percentiles(json, "latency_ms", view.latencyMs());
        percentiles(json, "ttft_ms", view.ttftMs());
        return json.append('}').toString();
    }

    /** Appends {@code "name":}, after a comma unless it is the first field; absent (null) fields are left out. */
    private static StringBuilder name(StringBuilder json, String name) {
        if (json.length() > 1) {
            json.append(',');
        }
        return json.append('"').append(name).append("\":");
    }

    private static void percentiles(StringBuilder json, String name, RollupView.Percentiles p) {
        if (p == null) {
            return;
        }
        name(json, name).append("{\"p50\":").append(p.p50()).append(",\"p90\":").append(p.p90())
                .append(",\"p95\":").append(p.p95()).append(",\"p99\":").append(p.p99()).append(",\"max\":")
                .append(p.max()).append('}');
    }

    private static void string(StringBuilder json, String name, String value) {
        if (value != null) {
            quoted(name(json, name), value);
        }
    }

    private static StringBuilder quoted(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04X", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"');
    }
}
