package dev.tollgate.streams.deadletter;

import static java.nio.charset.StandardCharsets.UTF_8;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.jboss.logging.Logger;

import dev.tollgate.schemas.DeadLetterHeaders;

/**
 * Turns a {@link DeadLetter} back into the original record (same key, value bytes, timestamp and headers) plus
 * the {@link DeadLetterHeaders}, for a sink to write to a dead-letter topic.
 *
 * <p>It runs inside the topology, so the dead-letter write is part of the same exactly-once transaction as the
 * input offset commit: a rejected record lands in the dead-letter topic exactly once, never zero times and never
 * twice, whatever fails when.
 */
public class DeadLetterWriter implements FixedKeyProcessor<String, DeadLetter, byte[]> {

    private static final Logger LOG = Logger.getLogger(DeadLetterWriter.class);
    /** Header values stay small; an exception message can be arbitrarily long. */
    static final int MAX_DETAIL_CHARS = 1024;

    private FixedKeyProcessorContext<String, byte[]> context;

    @Override
    public void init(FixedKeyProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, DeadLetter> record) {
        DeadLetter letter = record.value();
        Headers headers = new RecordHeaders(record.headers().toArray());
        DeadLetterHeaders.ALL.forEach(headers::remove);
        put(headers, DeadLetterHeaders.REASON, letter.reason().name());
        put(headers, DeadLetterHeaders.DETAIL, truncate(letter.detail()));
        if (letter.exceptionClass() != null) {
            put(headers, DeadLetterHeaders.EXCEPTION, letter.exceptionClass());
        }
        put(headers, DeadLetterHeaders.APPLICATION_ID, context.applicationId());
        RecordMetadata source = context.recordMetadata().orElse(null);
        if (source != null) {
            put(headers, DeadLetterHeaders.SOURCE_TOPIC, source.topic());
            put(headers, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(source.partition()));
            put(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(source.offset()));
        }
        LOG.warnf("event=dead_lettered reason=%s key=%s topic=%s partition=%s offset=%s detail=\"%s\"",
                letter.reason(), record.key(),
                source == null ? null : source.topic(),
                source == null ? null : source.partition(),
                source == null ? null : source.offset(),
                truncate(letter.detail()));
        context.forward(record.withValue(letter.value()).withHeaders(headers));
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(UTF_8));
    }

    static String truncate(String detail) {
        return detail.length() <= MAX_DETAIL_CHARS ? detail : detail.substring(0, MAX_DETAIL_CHARS) + "...";
    }
}
