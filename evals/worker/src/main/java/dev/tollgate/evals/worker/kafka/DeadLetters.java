package dev.tollgate.evals.worker.kafka;

import dev.tollgate.schemas.DeadLetterHeaders;
import dev.tollgate.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;

/**
 * Writes a record the worker cannot read to {@code tollgate.evals-dlq.v1}: its original key, value and headers,
 * and the platform's {@code tollgate.dlq.*} headers with the reason, so it can be inspected and replayed.
 */
public final class DeadLetters {

    private final KafkaProducer<String, byte[]> producer;
    private final String application;

    /**
     * @param producer    a raw producer, owned by the caller
     * @param application the consumer group that rejected the record
     */
    public DeadLetters(KafkaProducer<String, byte[]> producer, String application) {
        this.producer = producer;
        this.application = application;
    }

    /** Sends the dead letter of {@code record}; the future completes once the broker has it. */
    public Future<RecordMetadata> send(ConsumerRecord<String, byte[]> record, String reason, String detail,
                                       Throwable failure) {
        ProducerRecord<String, byte[]> letter = new ProducerRecord<>(Topics.EVALS_DLQ, record.key(), record.value());
        for (Header header : record.headers()) {
            if (!DeadLetterHeaders.ALL.contains(header.key())) {
                letter.headers().add(header);
            }
        }
        add(letter, DeadLetterHeaders.REASON, reason);
        add(letter, DeadLetterHeaders.DETAIL, detail);
        if (failure != null) {
            add(letter, DeadLetterHeaders.EXCEPTION, failure.getClass().getName());
        }
        add(letter, DeadLetterHeaders.SOURCE_TOPIC, record.topic());
        add(letter, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(record.partition()));
        add(letter, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(record.offset()));
        add(letter, DeadLetterHeaders.APPLICATION_ID, application);
        return producer.send(letter);
    }

    private static void add(ProducerRecord<String, byte[]> letter, String key, String value) {
        letter.headers().add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
