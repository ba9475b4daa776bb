package dev.tollgate.gateway.events;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;
import org.jboss.logging.Logger;

/**
 * The producer's value serializer: the registry's Avro serializer, except that an event the journal has already
 * encoded is not encoded a second time. The journal's Avro binary body of an event is exactly what the registry's
 * serializer writes after its schema-id prefix, so for such an event this serializer writes the prefix it learned
 * for that topic and schema, then the journal's bytes.
 *
 * <p>Why: with the journal on, every event was encoded twice (once for the journal, once for Kafka), the largest
 * part of what the journal added to the gateway's CPU per request (docs/benchmarks.md, "Event journal").
 *
 * <p>The prefix is learned, never assumed: the first event of each topic and schema goes through the registry's
 * serializer, and its output must be a prefix followed by exactly the journal's body, with no Kafka header added
 * (the registry can be configured to carry the schema id in a header instead). When that does not hold, that topic
 * and schema always go through the registry's serializer. A pre-encoded body is handed over with {@link #expect}
 * by the thread that then calls {@code send}, for that very record object.
 */
final class PreEncodedSerializer implements Serializer<SpecificRecord> {

    private static final Logger LOG = Logger.getLogger(PreEncodedSerializer.class);

    private final Serializer<SpecificRecord> registry;
    /** The registry serializer's prefix per topic and schema, learned from its first output. */
    private final Map<String, byte[]> prefixes = new ConcurrentHashMap<>();
    /** Topics and schemas whose registry output is not a prefix plus the body: never composed. */
    private final Set<String> unusable = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<Expected> expected = new ThreadLocal<>();

    PreEncodedSerializer(Serializer<SpecificRecord> registry) {
        this.registry = registry;
    }

    /** The journal's body of {@code value}, for the next {@code serialize} of that same object on this thread. */
    void expect(SpecificRecord value, byte[] body) {
        expected.set(new Expected(value, body));
    }

    /** Forgets what {@link #expect} handed over on this thread, once {@code send} has returned. */
    void clear() {
        expected.remove();
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        registry.configure(configs, isKey);
    }

    @Override
    public byte[] serialize(String topic, SpecificRecord data) {
        return serialize(topic, null, data);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, SpecificRecord data) {
        Expected body = expected.get();
        if (data == null || body == null || body.value != data) {
            return registry.serialize(topic, headers, data);
        }
        String schema = topic + '/' + data.getSchema().getFullName();
        byte[] prefix = prefixes.get(schema);
        if (prefix != null) {
            byte[] out = Arrays.copyOf(prefix, prefix.length + body.bytes.length);
            System.arraycopy(body.bytes, 0, out, prefix.length, body.bytes.length);
            return out;
        }
        int headersBefore = headers == null ? 0 : headers.toArray().length;
        byte[] out = registry.serialize(topic, headers, data);
        if (!unusable.contains(schema)) {
            learn(schema, out, body.bytes, headers == null ? 0 : headers.toArray().length - headersBefore);
        }
        return out;
    }

    private void learn(String schema, byte[] out, byte[] body, int headersAdded) {
        int prefixLength = out.length - body.length;
        boolean composable = headersAdded == 0 && prefixLength >= 0
                && Arrays.equals(out, prefixLength, out.length, body, 0, body.length);
        if (composable) {
            prefixes.put(schema, Arrays.copyOf(out, prefixLength));
            LOG.infof("event=events_encoded_once schema=%s prefix_bytes=%d", schema, prefixLength);
        } else {
            unusable.add(schema);
            LOG.warnf("event=events_encoded_twice schema=%s reason=%s", schema, headersAdded != 0
                    ? "the registry serializer adds headers" : "the registry serializer's bytes differ from the journal's");
        }
    }

    @Override
    public void close() {
        registry.close();
    }

    /** A body handed over for one record object. */
    private record Expected(SpecificRecord value, byte[] bytes) {
    }
}
