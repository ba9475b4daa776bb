package dev.tollgate.streams.intake;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.deadletter.DeadLetter;
import dev.tollgate.streams.deadletter.DeadLetterReason;
import dev.tollgate.streams.serde.RegistryUnavailableException;

/**
 * Decodes the raw value of a usage record with the registry-backed Avro deserializer and checks it against
 * {@link UsageEventRules}; forwards an {@link UsageDecoding.Accepted} or a {@link UsageDecoding.Rejected}.
 *
 * <p>Why decode here rather than in the source serde with a {@code DeserializationExceptionHandler}: in Kafka
 * 4.1 such a handler can only log-and-skip or fail. Writing the bad record to a dead-letter topic from it needs a
 * separate producer outside the stream task's transaction, so under {@code exactly_once_v2} a dead letter could be
 * lost or written twice relative to the input offset. Decoding inside the topology makes a bad record an ordinary
 * record: its dead letter goes through the task's own transactional producer, with its reason in headers, and its
 * original bytes are still at hand to be written unchanged.
 *
 * <p>A registry outage is not the record's fault: it is thrown as {@link RegistryUnavailableException} (the
 * transaction aborts and the record is retried) instead of being dead-lettered.
 */
public class UsageRecordDecoder implements FixedKeyProcessor<String, byte[], UsageDecoding> {

    private final Deserializer<UsageEvent> deserializer;
    private FixedKeyProcessorContext<String, UsageDecoding> context;

    /** Takes ownership of {@code deserializer} and closes it with the processor. */
    public UsageRecordDecoder(Deserializer<UsageEvent> deserializer) {
        this.deserializer = deserializer;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, UsageDecoding> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        context.forward(record.withValue(decode(record.key(), record.headers(), record.value(), record.timestamp())));
    }

    UsageDecoding decode(String key, Headers headers, byte[] value, long timestamp) {
        if (value == null) {
            return rejected(DeadLetter.rule(DeadLetterReason.MISSING_VALUE, "record has no value", null));
        }
        UsageEvent event;
        try {
            event = deserializer.deserialize(sourceTopic(), headers, value);
        } catch (RuntimeException e) {
            if (RegistryUnavailableException.isRegistryOutage(e)) {
                throw new RegistryUnavailableException("schema registry unavailable while decoding a usage record", e);
            }
            return rejected(new DeadLetter(DeadLetterReason.UNDECODABLE, DeadLetter.describe(e),
                    e.getClass().getName(), value));
        }
        if (event == null) {
            return rejected(DeadLetter.rule(DeadLetterReason.UNDECODABLE, "value decoded to nothing", value));
        }
        return UsageEventRules.check(key, event, timestamp)
                .<UsageDecoding>map(v -> rejected(DeadLetter.rule(v.reason(), v.detail(), value)))
                .orElseGet(() -> new UsageDecoding.Accepted(event));
    }

    private String sourceTopic() {
        return context.recordMetadata().map(RecordMetadata::topic).orElse(Topics.USAGE);
    }

    private static UsageDecoding rejected(DeadLetter letter) {
        return new UsageDecoding.Rejected(letter);
    }

    @Override
    public void close() {
        deserializer.close();
    }
}
