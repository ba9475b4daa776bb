package dev.tollgate.streams.rollups;

import java.io.IOException;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The format of {@link RollupSample} on the endpoint repartition topic
 * ({@code tollgate-streams-rollups-by-endpoint-repartition}): a compact binary record.
 *
 * <p><b>Why binary:</b> nearly every event crosses this topic, so its value is encoded once and decoded once per
 * event; JSON made that a noticeable share of the app's CPU.
 *
 * <p><b>Layout</b> (varints unsigned LEB128, zigzag where marked; strings length-prefixed UTF-8; an optional value
 * is a byte {@code 0} when absent, {@code 1} and the value when present): byte {@code 0x01} (format version); org id,
 * model, key id; optional endpoint id; status; HTTP status; zigzag prompt tokens, completion tokens, cost micros,
 * latency ms; optional zigzag time to first token. A later version may append fields; readers ignore trailing bytes.
 *
 * <p><b>Migration:</b> a value that starts with <code>{</code> is the former JSON format (snake_case fields of
 * {@link RollupSample}) and is still read, so records left on the topic by the previous version are counted.
 */
public final class RollupSampleSerde {

    static final int FORMAT_V1 = 0x01;

    private static final ObjectMapper LEGACY = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private RollupSampleSerde() {
    }

    /** A serde of the repartition format. */
    public static Serde<RollupSample> create() {
        return Serdes.serdeFrom((topic, sample) -> sample == null ? null : encode(sample),
                (topic, bytes) -> bytes == null ? null : decode(bytes));
    }

    static byte[] encode(RollupSample sample) {
        BinaryCodec.Writer out = new BinaryCodec.Writer(96);
        out.writeByte(FORMAT_V1);
        out.writeString(nonNull(sample.orgId()));
        out.writeString(nonNull(sample.model()));
        out.writeString(nonNull(sample.keyId()));
        optionalString(out, sample.endpointId());
        out.writeString(nonNull(sample.status()));
        out.writeZigZag(sample.httpStatus());
        out.writeZigZag(sample.promptTokens());
        out.writeZigZag(sample.completionTokens());
        out.writeZigZag(sample.costMicros());
        out.writeZigZag(sample.latencyMs());
        if (sample.ttftMs() == null) {
            out.writeByte(0);
        } else {
            out.writeByte(1);
            out.writeZigZag(sample.ttftMs());
        }
        return out.toByteArray();
    }

    static RollupSample decode(byte[] bytes) {
        if (bytes.length == 0) {
            throw new SerializationException("empty rollup sample");
        }
        if (bytes[0] == '{') {
            try {
                return LEGACY.readValue(bytes, RollupSample.class);
            } catch (IOException e) {
                throw new SerializationException("unreadable JSON rollup sample", e);
            }
        }
        if (bytes[0] != FORMAT_V1) {
            throw new SerializationException("unknown rollup sample format " + bytes[0]);
        }
        try {
            BinaryCodec.Reader in = new BinaryCodec.Reader(bytes, 1);
            String org = in.readString();
            String model = in.readString();
            String key = in.readString();
            String endpoint = in.readByte() == 0 ? null : in.readString();
            String status = in.readString();
            int httpStatus = Math.toIntExact(in.readZigZag());
            long prompt = in.readZigZag();
            long completion = in.readZigZag();
            long cost = in.readZigZag();
            long latency = in.readZigZag();
            Long ttft = in.readByte() == 0 ? null : in.readZigZag();
            return new RollupSample(org, model, key, endpoint, status, httpStatus, prompt, completion, cost, latency,
                    ttft);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new SerializationException("corrupt binary rollup sample", e);
        }
    }

    private static String nonNull(String value) {
        return value == null ? "" : value;
    }

    private static void optionalString(BinaryCodec.Writer out, String value) {
        if (value == null) {
            out.writeByte(0);
        } else {
            out.writeByte(1);
            out.writeString(value);
        }
    }
}
