package dev.tollgate.local.vllm;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The one Jackson setup of the simulator: a strict reader (trailing content after the JSON value is an error, as in
 * vLLM) and generators that write straight into a Vert.x {@link Buffer}, so a response is encoded once with no
 * intermediate copy.
 */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    /** Opens a UTF-8 generator appending to {@code target}; closing it flushes. */
    static JsonGenerator generator(Buffer target) {
        try {
            return MAPPER.getFactory().createGenerator(new BufferOutputStream(target), JsonEncoding.UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes a generator writing to a buffer, where an I/O error cannot happen. */
    static void finish(JsonGenerator generator) {
        try {
            generator.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends to a Vert.x buffer; Jackson buffers internally, so the calls here are few and large. */
    private static final class BufferOutputStream extends OutputStream {
        private final Buffer target;

        BufferOutputStream(Buffer target) {
            this.target = target;
        }

        @Override
        public void write(int b) {
            target.appendByte((byte) b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            target.appendBytes(bytes, offset, length);
        }
    }
}
