package dev.tollgate.streams.rollups;

import java.util.Arrays;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import dev.tollgate.streams.sketch.BinaryCodec;

/**
 * The binary format of {@link RollupPartial} on the endpoint repartition topic: byte {@code 0x02} (format version),
 * the minute start as an unsigned LEB128 varint, one byte of the window sizes it counts in
 * ({@link RollupPartial#onTime()}), then the rollup exactly as {@link RollupSerde} stores it. Format {@code 0x01}
 * (before 6 December 2026) had no such byte and is read as counting in every size, so partials in the topic at an
 * upgrade are not lost. A later version may append fields to the rollup; readers ignore trailing bytes.
 */
public final class RollupPartialSerde {

    static final int FORMAT_V1 = 0x01;
    static final int FORMAT_V2 = 0x02;

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
        out.writeByte(FORMAT_V2);
        out.writeVarLong(partial.minuteStartMs());
        out.writeByte(partial.onTime());
        byte[] head = out.toByteArray();
        byte[] bytes = Arrays.copyOf(head, head.length + rollup.length);
        System.arraycopy(rollup, 0, bytes, head.length, rollup.length);
        return bytes;
    }

    static RollupPartial decode(byte[] bytes) {
        if (bytes.length == 0 || (bytes[0] != FORMAT_V1 && bytes[0] != FORMAT_V2)) {
            throw new SerializationException("unknown rollup partial format");
        }
        try {
            BinaryCodec.Reader in = new BinaryCodec.Reader(bytes, 1);
            long minuteStart = in.readVarLong();
            int onTime = bytes[0] == FORMAT_V1 ? RollupPartial.ALL : in.readByte() & RollupPartial.ALL;
            Rollup rollup = RollupSerde.decode(Arrays.copyOfRange(bytes, in.position(), bytes.length));
            return new RollupPartial(minuteStart, rollup, onTime);
        } catch (IllegalArgumentException e) {
            throw new SerializationException("corrupt rollup partial", e);
        }
    }
}
