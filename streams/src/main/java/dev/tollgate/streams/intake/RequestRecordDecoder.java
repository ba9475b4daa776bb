package dev.tollgate.streams.intake;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import dev.tollgate.events.v1.RequestEvent;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.deadletter.DeadLetter;
import dev.tollgate.streams.deadletter.DeadLetterReason;
import dev.tollgate.streams.serde.RegistryUnavailableException;

/**
 * Decodes the raw value of a request record with the registry-backed Avro deserializer, as
 * {@link UsageRecordDecoder} does for usage and for the same reason (a dead letter written in the task's own
 * transaction). Request events need no plausibility rules: nothing is counted from them, and a scorer reads only
 * what is there. A registry outage is thrown, not dead-lettered.
 */
public class RequestRecordDecoder implements FixedKeyProcessor<String, byte[], RequestDecoding> {

    private final Deserializer<RequestEvent> deserializer;
    private FixedKeyProcessorContext<String, RequestDecoding> context;

    /** Takes ownership of {@code deserializer} and closes it with the processor. */
    public RequestRecordDecoder(Deserializer<RequestEvent> deserializer) {
        this.deserializer = deserializer;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, RequestDecoding> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        context.forward(record.withValue(decode(record.headers(), record.value())));
    }

    RequestDecoding decode(Headers headers, byte[] value) {
        if (value == null) {
            return rejected(DeadLetter.rule(DeadLetterReason.MISSING_VALUE, "record has no value", null));
        }
        RequestEvent event;
        try {
            event = deserializer.deserialize(sourceTopic(), headers, value);
        } catch (RuntimeException e) {
            if (RegistryUnavailableException.isRegistryOutage(e)) {
                throw new RegistryUnavailableException("schema registry unavailable while decoding a request record", e);
            }
            return rejected(new DeadLetter(DeadLetterReason.UNDECODABLE, DeadLetter.describe(e),
                    e.getClass().getName(), value));
        }
        if (event == null) {
            return rejected(DeadLetter.rule(DeadLetterReason.UNDECODABLE, "value decoded to nothing", value));
        }
        return new RequestDecoding.Accepted(event);
    }

    private String sourceTopic() {
        return context.recordMetadata().map(RecordMetadata::topic).orElse(Topics.REQUESTS);
    }

    private static RequestDecoding rejected(DeadLetter letter) {
        return new RequestDecoding.Rejected(letter);
    }

    @Override
    public void close() {
        deserializer.close();
    }
}
