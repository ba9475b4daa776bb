package dev.tollgate.evals.worker.backfill;

import dev.tollgate.control.v1.EvalBackfillSpec;
import dev.tollgate.events.v1.EvalJob;
import dev.tollgate.events.v1.EvalScore;
import dev.tollgate.events.v1.RequestEvent;
import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.evals.contract.EvalContract;
import dev.tollgate.evals.definition.Definition;
import dev.tollgate.evals.definition.Definitions;
import dev.tollgate.evals.definition.Sampling;
import dev.tollgate.evals.definition.Selector;
import dev.tollgate.evals.scoring.Score;
import dev.tollgate.evals.scoring.Scorers;
import dev.tollgate.evals.scoring.ScoringInput;
import dev.tollgate.evals.worker.kafka.KafkaClients;
import dev.tollgate.evals.worker.progress.ProgressPublisher;
import dev.tollgate.evals.worker.progress.ProgressPublisher.Report;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * One backfill: one evaluator version over a past range of {@code tollgate.requests.v1}, as a bounded job.
 * <ul>
 *   <li>The range is resolved to offsets once, at start: by time through the broker's time index, by offsets as
 *       given, its end by default the topic's end at start. It never grows while the backfill runs.</li>
 *   <li>A consumer without a group reads exactly that range, partition by partition, and stops at its end: live
 *       scoring is never disturbed.</li>
 *   <li>Each request is selected and sampled as live scoring would ({@link Sampling} by event id), and scored:
 *       at once for a deterministic evaluator, as an {@link EvalJob} for the judge otherwise. Scores carry the same
 *       id as a live score would, so running the backfill again, or over a range live scoring covered, adds nothing
 *       twice.</li>
 * </ul>
 * Progress (records read, scored, skipped, failed to decode) is published every second.
 */
final class Backfill {

    private static final Logger LOG = Logger.getLogger(Backfill.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final EvalBackfillSpec spec;
    private final KafkaClients clients;
    private final ProgressPublisher progress;
    private final BooleanSupplier running;
    private final Definition definition;
    private final Selector selector;
    private long total;
    private long read;
    private long scored;
    private long skipped;
    private long failed;

    Backfill(EvalBackfillSpec spec, KafkaClients clients, ProgressPublisher progress, BooleanSupplier running) {
        this.spec = spec;
        this.clients = clients;
        this.progress = progress;
        this.running = running;
        this.definition = Definitions.parse(spec.getEvaluator().getType(), spec.getEvaluator().getDefinitionJson());
        this.selector = EvalContract.selector(spec.getSelector());
    }

    void run() throws Exception {
        try (KafkaConsumer<String, byte[]> consumer = clients.rawConsumer("tollgate-evals-backfill-"
                + spec.getBackfillId(), null, 500, Duration.ofMinutes(5).toMillis());
             KafkaProducer<String, SpecificRecord> producer = clients.producer("tollgate-evals-backfill-"
                     + spec.getBackfillId());
             AvroKafkaDeserializer<RequestEvent> requests = clients.deserializer()) {
            Map<TopicPartition, long[]> range = range(consumer);
            total = range.values().stream().mapToLong(r -> Math.max(0, r[1] - r[0])).sum();
            consumer.assign(range.keySet());
            range.forEach((partition, bounds) -> consumer.seek(partition, bounds[0]));
            long lastReport = 0;
            while (running.getAsBoolean() && !done(consumer, range)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    long end = range.get(new TopicPartition(record.topic(), record.partition()))[1];
                    if (record.offset() < end) {
                        handle(requests, record, producer);
                    }
                }
                if (System.nanoTime() - lastReport > 1_000_000_000L) {
                    lastReport = System.nanoTime();
                    progress.update(report("running", null));
                }
            }
            producer.flush();
            progress.finish(report(running.getAsBoolean() ? "completed" : "failed",
                    running.getAsBoolean() ? null : "the worker stopped; the backfill runs again from its start"));
        } catch (RuntimeException e) {
            LOG.errorf(e, "event=backfill_failed backfill=%s", spec.getBackfillId());
            progress.finish(report("failed", e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    /** Start and end (exclusive) offset of every partition of the requests topic. */
    private Map<TopicPartition, long[]> range(KafkaConsumer<String, byte[]> consumer) {
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.REQUESTS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> starts = spec.getFromTime() != null ? byTime(consumer, partitions,
                spec.getFromTime(), ends) : byOffset(spec.getFromOffsets(), partitions, beginnings);
        Map<TopicPartition, Long> stops = spec.getToTime() != null ? byTime(consumer, partitions, spec.getToTime(),
                ends) : spec.getToOffsets().isEmpty() ? ends : byOffset(spec.getToOffsets(), partitions, ends);
        Map<TopicPartition, long[]> range = new HashMap<>();
        for (TopicPartition partition : partitions) {
            long start = Math.max(starts.get(partition), beginnings.get(partition));
            long stop = Math.min(stops.get(partition), ends.get(partition));
            range.put(partition, new long[] {start, Math.max(start, stop)});
        }
        return range;
    }

    private static Map<TopicPartition, Long> byTime(KafkaConsumer<String, byte[]> consumer,
                                                    List<TopicPartition> partitions, Instant time,
                                                    Map<TopicPartition, Long> ends) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(p -> query.put(p, time.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp at = found.get(partition);
            offsets.put(partition, at == null ? ends.get(partition) : at.offset());
        }
        return offsets;
    }

    private static Map<TopicPartition, Long> byOffset(Map<String, Long> given, List<TopicPartition> partitions,
                                                      Map<TopicPartition, Long> otherwise) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            Long offset = given.get(Integer.toString(partition.partition()));
            offsets.put(partition, offset == null ? otherwise.get(partition) : offset);
        }
        return offsets;
    }

    private static boolean done(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, long[]> range) {
        return range.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue()[1]);
    }

    private void handle(AvroKafkaDeserializer<RequestEvent> requests, ConsumerRecord<String, byte[]> record,
                        KafkaProducer<String, SpecificRecord> producer) {
        read++;
        RequestEvent request;
        try {
            request = record.value() == null ? null
                    : requests.deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            failed++;
            return;
        }
        if (request == null) {
            failed++;
            return;
        }
        if (!eligible(request)) {
            skipped++;
            return;
        }
        ScoringInput input = EvalContract.input(request, null);
        Instant now = Instant.now();
        String scoreId = EvalContract.scoreId(spec.getEvaluator().getEvaluatorId(), spec.getEvaluator().getVersion(),
                request.getEventId());
        if (definition.callsModel()) {
            EvalJob job = EvalContract.job(spec.getEvaluator(), request, input, EvalContract.BACKFILL, now);
            producer.send(new ProducerRecord<>(Topics.EVAL_JOBS, scoreId, job));
        } else {
            Score score = Scorers.score(definition, input);
            EvalScore scoreRecord = EvalContract.score(spec.getEvaluator(), request, score, EvalContract.BACKFILL, now);
            producer.send(new ProducerRecord<>(Topics.EVAL_SCORES, scoreId, scoreRecord));
        }
        scored++;
    }

    /**
     * Whether live scoring would have scored the request with this evaluator: an answered chat or completion with
     * content, of live traffic (not an eval run's, not a judge's), in the selector and the sample.
     */
    private boolean eligible(RequestEvent request) {
        return request.getEval() == null && request.getStatus() == RequestStatus.OK
                && !"embeddings".equals(request.getApi()) && request.getContent() != null
                && selector.matches(EvalContract.target(request))
                && Sampling.sampled(request.getEventId(), spec.getSamplingRate());
    }

    private Report report(String status, String detail) {
        return new Report(spec.getBackfillId(), "backfill", status, total, read, scored, skipped, failed, null,
                detail);
    }
}
