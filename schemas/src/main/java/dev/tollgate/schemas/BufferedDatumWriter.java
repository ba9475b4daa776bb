package dev.tollgate.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;

/**
 * A datum writer that encodes a record into a buffer of its thread first and hands the encoder it was given the
 * finished bytes in one call. The bytes are the same; only the number of calls on the encoder's stream changes.
 *
 * <p><b>Why:</b> Apicurio's serializer writes through Avro's unbuffered {@code DirectBinaryEncoder} into a
 * {@code ByteArrayOutputStream}, so every field of every event was a call on that stream, and each of those calls
 * takes its lock. A request's three events have about 130 fields. Through a buffered encoder the stream sees one
 * call per record.
 *
 * <p>Only binary encoders get the buffered path: a JSON encoder (Apicurio's {@code JSON} encoding) is written
 * directly, as before.
 *
 * @param <T> the record type
 */
final class BufferedDatumWriter<T> implements DatumWriter<T> {

    private static final ThreadLocal<Buffer> BUFFERS = ThreadLocal.withInitial(Buffer::new);
    /** A buffer that grew past this for one large record (captured content) is not kept for the next. */
    static final int MAX_KEPT_BYTES = 1 << 20;

    private final DatumWriter<T> delegate;

    BufferedDatumWriter(DatumWriter<T> delegate) {
        this.delegate = delegate;
    }

    @Override
    public void setSchema(Schema schema) {
        delegate.setSchema(schema);
    }

    @Override
    public void write(T datum, Encoder out) throws IOException {
        if (!(out instanceof BinaryEncoder)) {
            delegate.write(datum, out);
            return;
        }
        Buffer buffer = BUFFERS.get();
        buffer.bytes.reset();
        buffer.encoder = EncoderFactory.get().binaryEncoder(buffer.bytes, buffer.encoder);
        delegate.write(datum, buffer.encoder);
        buffer.encoder.flush();
        out.writeFixed(buffer.bytes.array(), 0, buffer.bytes.size()); // the raw bytes, with no length in front
        if (buffer.bytes.array().length > MAX_KEPT_BYTES) {
            BUFFERS.remove();
        }
    }

    /** One thread's reusable encoder and bytes. */
    private static final class Buffer {
        private final Bytes bytes = new Bytes();
        private BinaryEncoder encoder;
    }

    /** A byte array stream whose array can be read without a copy. */
    private static final class Bytes extends ByteArrayOutputStream {
        Bytes() {
            super(4096);
        }

        byte[] array() {
            return buf;
        }
    }
}
