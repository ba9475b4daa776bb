package dev.tollgate.streams.rollups;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tollgate.streams.sketch.BinaryCodec;
import dev.tollgate.streams.sketch.LatencySketch;

/**
 * The store format of {@link Rollup} in the rollup window stores and their changelogs: a compact binary record.
 *
 * <p><b>Why binary:</b> every changed window is read, updated and written once per commit, and the workload touches
 * nearly as many windows per commit as it has events. The former format, JSON with the HdrHistogram V2 encoding of
 * each sketch in base64, cost a JSON parse and write, a base64 round trip and a 16 KB dense histogram per sketch on
 * every one of those. This format is a few dozen bytes plus two or three per used sketch bucket, and decodes into
 * the sparse {@link LatencySketch} directly.
 *
 * <p><b>Layout</b> (varints are unsigned LEB128, zigzag where marked): byte {@code 0x01} (format version); requests,
 * errors; zigzag prompt tokens, completion tokens, cost micros; number of {@code errors_by_status} entries, then
 * per entry the status as a length-prefixed UTF-8 string and its count; the latency sketch
 * ({@link LatencySketch#writeTo}); {@code 0} for no time-to-first-token sketch or {@code 1} followed by it.
 * A later version may append fields after these; readers ignore trailing bytes, so a newer writer stays readable.
 *
 * <p><b>Migration:</b> a value that starts with <code>{</code> is the former JSON format ({@code requests},
 * {@code errors}, {@code errors_by_status}, {@code prompt_tokens}, {@code completion_tokens}, {@code cost_micros},
 * {@code latency_sketch}, {@code ttft_sketch}) and is still read, so existing stores and changelogs carry over; it is
 * rewritten in binary the next time its window changes. An instance of the former version cannot read the binary
 * format, so roll forward only.
 */
public final class RollupSerde {

    /** The first byte of a binary rollup; JSON starts with <code>{</code> (0x7B), so the two cannot be confused. */
    static final int FORMAT_V1 = 0x01;

    private static final ObjectMapper LEGACY = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private RollupSerde() {
    }

    /** A serde of the store format. */
    public static Serde<Rollup> create() {
        return Serdes.serdeFrom(serializer(), deserializer());
    }

    static Serializer<Rollup> serializer() {
        return (topic, rollup) -> rollup == null ? null : encode(rollup);
    }

    static Deserializer<Rollup> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }

    /** The binary form of {@code rollup}. */
    static byte[] encode(Rollup rollup) {
        LatencySketch latency = rollup.latencySketch() == null ? LatencySketch.empty() : rollup.latencySketch();
        LatencySketch ttft = rollup.ttftSketch();
        BinaryCodec.Writer out = new BinaryCodec.Writer(
                48 + 4 * (latency.bucketsUsed() + (ttft == null ? 0 : ttft.bucketsUsed())));
        out.writeByte(FORMAT_V1);
        out.writeVarLong(rollup.requests());
        out.writeVarLong(rollup.errors());
        out.writeZigZag(rollup.promptTokens());
        out.writeZigZag(rollup.completionTokens());
        out.writeZigZag(rollup.costMicros());
        Map<String, Long> byStatus = rollup.errorsByStatus() == null ? Map.of() : rollup.errorsByStatus();
        out.writeVarLong(byStatus.size());
        for (Map.Entry<String, Long> entry : byStatus.entrySet()) {
            out.writeString(entry.getKey());
            out.writeVarLong(entry.getValue());
        }
        latency.writeTo(out);
        if (ttft == null) {
            out.writeByte(0);
        } else {
            out.writeByte(1);
            ttft.writeTo(out);
        }
        return out.toByteArray();
    }

    /** The rollup in {@code bytes}, binary or the former JSON. */
    static Rollup decode(byte[] bytes) {
        if (bytes.length == 0) {
            throw new SerializationException("empty rollup value");
        }
        if (bytes[0] == '{') {
            return decodeLegacyJson(bytes);
        }
        if (bytes[0] != FORMAT_V1) {
            throw new SerializationException("unknown rollup format " + bytes[0]);
        }
        try {
            BinaryCodec.Reader in = new BinaryCodec.Reader(bytes, 1);
            long requests = in.readVarLong();
            long errors = in.readVarLong();
            long prompt = in.readZigZag();
            long completion = in.readZigZag();
            long cost = in.readZigZag();
            int statuses = Math.toIntExact(in.readVarLong());
            Map<String, Long> byStatus = statuses == 0 ? Map.of() : new TreeMap<>();
            for (int i = 0; i < statuses; i++) {
                byStatus.put(in.readString(), in.readVarLong());
            }
            LatencySketch latency = LatencySketch.readFrom(in);
            LatencySketch ttft = in.readByte() == 0 ? null : LatencySketch.readFrom(in);
            return new Rollup(requests, errors, byStatus, prompt, completion, cost, latency, ttft);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new SerializationException("corrupt binary rollup", e);
        }
    }

    private static Rollup decodeLegacyJson(byte[] bytes) {
        LegacyRollup legacy;
        try {
            legacy = LEGACY.readValue(bytes, LegacyRollup.class);
        } catch (IOException e) {
            throw new SerializationException("unreadable JSON rollup", e);
        }
        return new Rollup(legacy.requests(), legacy.errors(),
                legacy.errorsByStatus() == null ? Map.of() : new TreeMap<>(legacy.errorsByStatus()),
                legacy.promptTokens(), legacy.completionTokens(), legacy.costMicros(),
                LatencySketch.fromHdrHistogramV2(legacy.latencySketch()),
                legacy.ttftSketch() == null ? null : LatencySketch.fromHdrHistogramV2(legacy.ttftSketch()));
    }

    /** The former JSON store format, read only. Byte arrays are base64 in JSON. */
    record LegacyRollup(
            @JsonProperty("requests") long requests,
            @JsonProperty("errors") long errors,
            @JsonProperty("errors_by_status") Map<String, Long> errorsByStatus,
            @JsonProperty("prompt_tokens") long promptTokens,
            @JsonProperty("completion_tokens") long completionTokens,
            @JsonProperty("cost_micros") long costMicros,
            @JsonProperty("latency_sketch") byte[] latencySketch,
            @JsonProperty("ttft_sketch") byte[] ttftSketch) {
    }
}
