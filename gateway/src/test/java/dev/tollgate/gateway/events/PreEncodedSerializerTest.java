package dev.tollgate.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.gateway.auth.Principal;
import dev.tollgate.gateway.journal.Journal;
import dev.tollgate.gateway.openai.TokenUsage;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.Price;
import dev.tollgate.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events the journal has encoded are not encoded again for Kafka, and the bytes are the registry serializer's, to
 * the byte. The registry serializer here writes the registry's wire format (magic byte, 4-byte id, Avro binary)
 * without a registry; the gateway ITs run the real one, whose consumers decode these bytes.
 */
class PreEncodedSerializerTest {

    private static final Principal ACME = new Principal("key-1", "acme", null, Set.of());
    private static final Endpoint ENDPOINT = new Endpoint("ep-1", "llama", URI.create("http://127.0.0.1:8000"),
            new Price(1_000_000, 2_000_000, 3));

    @TempDir
    Path dir;
    private EventJournal journal;

    @AfterEach
    void close() {
        if (journal != null) {
            journal.close();
        }
    }

    @Test
    void aJournaledEventIsSentAsThePrefixPlusTheJournalsBodyWithoutEncodingItAgain() {
        WireFormat registry = new WireFormat(false);
        PreEncodedSerializer serializer = new PreEncodedSerializer(registry);

        UsageEvent one = usage("req-1", 10);
        UsageEvent two = usage("req-2", 20_000);
        byte[] first = sendJournaled(serializer, one);
        byte[] second = sendJournaled(serializer, two);

        assertThat(registry.calls).as("only the first event of a topic and schema is encoded by the registry's")
                .hasValue(1);
        assertThat(first).isEqualTo(registry.encode(one));
        assertThat(second).isEqualTo(registry.encode(two));
    }

    @Test
    void aRegistrySerializerThatCarriesTheIdInAHeaderIsAlwaysCalled() {
        WireFormat registry = new WireFormat(true);
        PreEncodedSerializer serializer = new PreEncodedSerializer(registry);

        sendJournaled(serializer, usage("req-1", 10));
        Headers headers = new RecordHeaders();
        UsageEvent two = usage("req-2", 20);
        byte[] second = sendJournaled(serializer, two, headers);

        assertThat(registry.calls).hasValue(2);
        assertThat(headers.lastHeader("schema-id")).as("the header the registry's serializer adds").isNotNull();
        assertThat(second).isEqualTo(WireFormat.body(two));
    }

    @Test
    void aBodyHandedOverForAnotherRecordIsNotUsed() {
        WireFormat registry = new WireFormat(false);
        PreEncodedSerializer serializer = new PreEncodedSerializer(registry);
        sendJournaled(serializer, usage("req-1", 10));

        UsageEvent journaled = usage("req-2", 20);
        UsageEvent other = usage("req-3", 30);
        journal().append(Topics.USAGE, "org:acme", journaled);
        serializer.expect(journaled, journal.lastBody());
        byte[] sent = serializer.serialize(Topics.USAGE, new RecordHeaders(), other);
        serializer.clear();

        assertThat(sent).isEqualTo(registry.encode(other));
        assertThat(registry.calls).hasValue(2);
    }

    @Test
    void theJournalsBodyIsTheEventsAvroBinaryEncoding() {
        UsageEvent event = usage("req-1", 42);
        journal().append(Topics.USAGE, "org:acme", event);

        assertThat(journal.lastBody()).isEqualTo(WireFormat.body(event));
    }

    private byte[] sendJournaled(PreEncodedSerializer serializer, UsageEvent event) {
        return sendJournaled(serializer, event, new RecordHeaders());
    }

    private byte[] sendJournaled(PreEncodedSerializer serializer, UsageEvent event, Headers headers) {
        assertThat(journal().append(Topics.USAGE, "org:acme", event)).isNotNegative();
        serializer.expect(event, journal.lastBody());
        try {
            return serializer.serialize(Topics.USAGE, headers, event);
        } finally {
            serializer.clear();
        }
    }

    private EventJournal journal() {
        if (journal == null) {
            journal = new EventJournal(Journal.open(new Journal.Settings(dir, 64 * 1024, 8 * 64 * 1024,
                    Duration.ZERO)), 0.8, new SimpleMeterRegistry());
        }
        return journal;
    }

    private static UsageEvent usage(String requestId, int completionTokens) {
        return UsageRecorder.toEvent(new UsageRecorder.Outcome(requestId, ACME, "llama", ENDPOINT, null, null, false,
                Instant.parse("2026-11-22T10:00:00Z"), 42, null, new TokenUsage(100, completionTokens, 0, false),
                RequestStatus.OK, 200, null, 1));
    }

    /** The registry's wire format: magic byte 0, a 4-byte schema id, Avro binary; or the id in a header. */
    private static final class WireFormat implements Serializer<SpecificRecord> {
        final AtomicInteger calls = new AtomicInteger();
        private final boolean idInHeader;

        WireFormat(boolean idInHeader) {
            this.idInHeader = idInHeader;
        }

        @Override
        public byte[] serialize(String topic, SpecificRecord data) {
            return serialize(topic, new RecordHeaders(), data);
        }

        @Override
        public byte[] serialize(String topic, Headers headers, SpecificRecord data) {
            calls.incrementAndGet();
            if (idInHeader) {
                headers.add("schema-id", "7".getBytes(StandardCharsets.UTF_8));
                return body(data);
            }
            return encode(data);
        }

        byte[] encode(SpecificRecord data) {
            byte[] body = body(data);
            return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(7).put(body).array();
        }

        static byte[] body(SpecificRecord data) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            try {
                new SpecificDatumWriter<SpecificRecord>(data.getSchema()).write(data, encoder);
                encoder.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }
    }
}
