package dev.tollgate.streams.alerts;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import dev.tollgate.streams.sketch.BinaryCodec;

/**
 * One subject's usage in one minute, summed by one org task in one commit ({@link UsagePartials}), on its way through
 * the repartition topic to the task that owns the subject. Binary on the topic: byte {@code 0x01}, the subject kind's
 * ordinal, its id, the minute start in epoch ms, then the {@link Bucket}.
 *
 * @param subject       whose usage it is
 * @param minuteStartMs the minute
 * @param bucket        what it counted
 */
public record UsagePartial(Subject subject, long minuteStartMs, Bucket bucket) {

    private static final int FORMAT = 1;

    /** The serde of the repartition topic. */
    public static Serde<UsagePartial> serde() {
        return Serdes.serdeFrom((topic, partial) -> partial == null ? null : partial.toBytes(),
                (topic, bytes) -> bytes == null ? null : fromBytes(bytes));
    }

    byte[] toBytes() {
        BinaryCodec.Writer out = new BinaryCodec.Writer(64);
        out.writeByte(FORMAT);
        out.writeByte(subject.kind().ordinal());
        out.writeString(subject.id());
        out.writeVarLong(minuteStartMs);
        bucket.writeTo(out);
        return out.toByteArray();
    }

    static UsagePartial fromBytes(byte[] bytes) {
        try {
            if (bytes.length == 0 || bytes[0] != FORMAT) {
                throw new SerializationException("not a usage partial");
            }
            BinaryCodec.Reader in = new BinaryCodec.Reader(bytes, 1);
            Subject subject = new Subject(Subject.Kind.values()[in.readByte()], in.readString());
            return new UsagePartial(subject, in.readVarLong(), Bucket.readFrom(in));
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException | ArithmeticException e) {
            throw new SerializationException("corrupt usage partial", e);
        }
    }
}
