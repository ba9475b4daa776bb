package dev.tollgate.gateway.events;

import dev.tollgate.events.v1.RequestEvent;
import dev.tollgate.events.v1.TraceEvent;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.schemas.Topics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * How an event is written in the journal: its kind (the topic) in the frame, then its key, the 64-bit parsing
 * fingerprint of its writer schema, and the event in Avro's binary encoding, without the registry.
 *
 * <p>Why not the bytes Apicurio's serializer produces: those need the registry's id of the schema, which the first
 * event of a process must fetch over the network, and the usage event is journaled on an event loop, which must
 * never wait on the network. The binary encoding needs nothing but the schema compiled into the gateway. On
 * replay the event is decoded and produced through the ordinary serializer.
 *
 * <p>Why the fingerprint and the schema files: a journal may be replayed by a newer gateway whose schema gained a
 * field. Each process writes the schemas it writes with into {@code schemas/<fingerprint>.avsc} beside the
 * segments, so a replay decodes every record with the schema it was written with and resolves it to the current
 * one (the contract only ever changes in BACKWARD-compatible steps).
 */
final class JournalCodec {

    /** The topics the journal carries, by the kind byte of their frames. */
    enum Kind {
        USAGE((byte) 1, Topics.USAGE, UsageEvent.getClassSchema()),
        REQUEST((byte) 2, Topics.REQUESTS, RequestEvent.getClassSchema()),
        TRACE((byte) 3, Topics.TRACES, TraceEvent.getClassSchema());

        final byte id;
        final String topic;
        final Schema schema;
        final byte[] fingerprint;
        final SpecificDatumWriter<SpecificRecord> writer;

        Kind(byte id, String topic, Schema schema) {
            this.id = id;
            this.topic = topic;
            this.schema = schema;
            this.fingerprint = fingerprintBytes(SchemaNormalization.parsingFingerprint64(schema));
            this.writer = new SpecificDatumWriter<>(schema);
        }

        static Kind of(String topic) {
            for (Kind kind : values()) {
                if (kind.topic.equals(topic)) {
                    return kind;
                }
            }
            return null;
        }

        static Kind of(byte id) {
            for (Kind kind : values()) {
                if (kind.id == id) {
                    return kind;
                }
            }
            return null;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final Path schemaDirectory;
    /** Writer schemas by fingerprint: the compiled ones and those of earlier processes found on disk. */
    private final Map<Long, Schema> writerSchemas = new ConcurrentHashMap<>();
    private final Map<String, SpecificDatumReader<SpecificRecord>> readers = new HashMap<>();

    /** Keeps this gateway's schemas in {@code journalDirectory/schemas} and learns the ones already there. */
    JournalCodec(Path journalDirectory) {
        this.schemaDirectory = journalDirectory.resolve("schemas");
        try {
            Files.createDirectories(schemaDirectory);
            for (Kind kind : Kind.values()) {
                long fingerprint = SchemaNormalization.parsingFingerprint64(kind.schema);
                writerSchemas.put(fingerprint, kind.schema);
                Path file = schemaFile(fingerprint);
                if (!Files.exists(file)) {
                    Path temp = Files.createTempFile(schemaDirectory, "schema", ".tmp");
                    Files.writeString(temp, kind.schema.toString(), StandardCharsets.UTF_8);
                    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the journal's schemas to " + schemaDirectory, e);
        }
    }

    /**
     * Encodes {@code event} for the journal into a buffer of the calling thread, and returns that buffer: valid until
     * the same thread encodes again. Null when the topic is not one the journal carries.
     */
    Encoded encode(String topic, String key, SpecificRecord event) {
        Kind kind = Kind.of(topic);
        if (kind == null) {
            return null;
        }
        Scratch scratch = SCRATCH.get();
        scratch.out.reset();
        try {
            BinaryEncoder encoder = scratch.encoder(scratch.out);
            encoder.writeString(key);
            encoder.writeFixed(kind.fingerprint);
            scratch.encoded.bodyOffset = scratch.out.count;
            kind.writer.write(event, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("an in-memory encoding cannot fail", e);
        }
        scratch.encoded.kind = kind.id;
        scratch.encoded.bytes = scratch.out.bytes;
        scratch.encoded.length = scratch.out.count;
        return scratch.encoded;
    }

    /**
     * A copy of the Avro binary body (the event alone, without the key and fingerprint) of what this thread encoded
     * last: the bytes the registry's serializer would write after its schema id.
     */
    static byte[] lastBody() {
        Encoded encoded = SCRATCH.get().encoded;
        return Arrays.copyOfRange(encoded.bytes, encoded.bodyOffset, encoded.length);
    }

    /**
     * The event of a journal record, ready to produce to its topic.
     *
     * @throws IllegalArgumentException when the kind is unknown, the schema it was written with is not known, or the
     *                                  bytes do not decode
     */
    ProducerRecord<String, SpecificRecord> decode(byte kindId, ByteBuffer payload) {
        Kind kind = Kind.of(kindId);
        if (kind == null) {
            throw new IllegalArgumentException("unknown event kind " + kindId);
        }
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
            String key = decoder.readString();
            byte[] fingerprint = new byte[8];
            decoder.readFixed(fingerprint);
            Schema writer = writerSchema(ByteBuffer.wrap(fingerprint).getLong());
            SpecificRecord event = reader(kind, writer).read(null, decoder);
            return new ProducerRecord<>(kind.topic, key, event);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("undecodable " + kind + " record: " + e.getMessage(), e);
        }
    }

    private Schema writerSchema(long fingerprint) throws IOException {
        Schema known = writerSchemas.get(fingerprint);
        if (known != null) {
            return known;
        }
        Path file = schemaFile(fingerprint);
        if (!Files.exists(file)) {
            throw new IOException("no writer schema " + Long.toHexString(fingerprint) + " in " + schemaDirectory);
        }
        Schema schema = new Schema.Parser().parse(Files.readString(file, StandardCharsets.UTF_8));
        writerSchemas.put(fingerprint, schema);
        return schema;
    }

    private synchronized SpecificDatumReader<SpecificRecord> reader(Kind kind, Schema writer) {
        return readers.computeIfAbsent(kind.name() + "/" + SchemaNormalization.parsingFingerprint64(writer),
                k -> new SpecificDatumReader<>(writer, kind.schema));
    }

    private Path schemaFile(long fingerprint) {
        return schemaDirectory.resolve(String.format("%016x.avsc", fingerprint));
    }

    /** The schema files present, for tests and for operators reading a journal by hand. */
    List<Path> schemaFiles() throws IOException {
        try (Stream<Path> files = Files.list(schemaDirectory)) {
            return files.sorted().toList();
        }
    }

    private static byte[] fingerprintBytes(long fingerprint) {
        return ByteBuffer.allocate(8).putLong(fingerprint).array();
    }

    /** An encoded record in a thread's buffer. */
    static final class Encoded {
        byte kind;
        byte[] bytes;
        /** Where the event's own Avro body starts, after the key and the schema fingerprint. */
        int bodyOffset;
        int length;
    }

    /** A thread's reusable buffer and encoder: encoding allocates nothing but the growth of the buffer. */
    private static final class Scratch {
        final Output out = new Output();
        final Encoded encoded = new Encoded();
        BinaryEncoder encoder;

        BinaryEncoder encoder(OutputStream target) {
            encoder = EncoderFactory.get().directBinaryEncoder(target, encoder);
            return encoder;
        }
    }

    /** A byte array output stream without synchronization and with its array in reach. */
    private static final class Output extends OutputStream {
        byte[] bytes = new byte[1024];
        int count;

        /** Empties the buffer; one grown past 1 MiB by a large event (content capture) is let go. */
        void reset() {
            count = 0;
            if (bytes.length > 1 << 20) {
                bytes = new byte[1024];
            }
        }

        @Override
        public void write(int b) {
            ensure(1);
            bytes[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, bytes, count, len);
            count += len;
        }

        private void ensure(int more) {
            if (count + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, count + more));
            }
        }
    }
}
