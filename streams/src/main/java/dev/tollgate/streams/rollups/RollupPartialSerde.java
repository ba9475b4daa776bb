package dev.tollgate.streams.rollups;

import java.util.Arrays;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import dev.tollgate.streams.sketch.BinaryCodec;

/**
 * The binary format of {@link RollupPartial} on the endpoint repartition topic: byte {@code 0x01} (format version),
 * the minute start as an unsigned LEB128 varint, then the rollup exactly as {@link RollupSerde} stores it. A later
 * version may append fields to the rollup; readers ignore trailing bytes.
 */
public final class RollupPartialSerde {

    static final int FORMAT_V1 = 0x01;

    private RollupPartialSerde() {
    }

    /** A serde of the repartition format. */
    public static Serde<RollupPartial> create() {
        return Serdes.serdeFrom((topic, partial) -> partial == null ? null : encode(partial),
                (topic, bytes) -> bytes == null ? null : decode(bytes));
    }

    static byte[] encode(RollupPartial partial) {
        byte[] rollup = RollupSerde.encode(partial.rollup());
        BinaryCodec.Writer out = new BinaryCodec.Writer(rollup.length + 12);
        out.writeByte(FORMAT_V1);
        out.writeVarLong(partial.minuteStartMs());
        byte[] head = out.toByteArray();
        byte[] bytes = Arrays.copyOf(head, head.length + rollup.length);
        System.arraycopy(rollup, 0, bytes, head.length, rollup.length);
        return bytes;
    }

    static RollupPartial decode(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != FORMAT_V1) {
            throw new SerializationException("unknown rollup partial format");
        }
        try {
            BinaryCodec.Reader in = new BinaryCodec.Reader(bytes, 1);
            long minuteStart = in.readVarLong();
            Rollup rollup = RollupSerde.decode(Arrays.copyOfRange(bytes, in.position(), bytes.length));
            return new RollupPartial(minuteStart, rollup);
        } catch (IllegalArgumentException e) {
            throw new SerializationException("corrupt rollup partial", e);
        }
    }
}
