package dev.tollgate.bench.streams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

import dev.tollgate.events.v1.RequestEvent;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.intake.RequestRecordDecoder;
import dev.tollgate.streams.intake.UsageIntake;
import dev.tollgate.streams.intake.UsageRecordDecoder;
import dev.tollgate.streams.rollups.RollupConfig;
import dev.tollgate.streams.rollups.RollupTopology;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;

/**
 * A floor for the streams benchmark: a Kafka Streams app with the streams app's processing settings
 * ({@code exactly_once_v2}, the app's backlog commit cadence, one stream thread) that does only part of its work per usage event, so
 * that the benchmark can tell how much of the distance to a plain consumer is Kafka Streams with exactly-once
 * itself and how much is Tollgate's capabilities. Runs until it is stopped. Three stages, each also with a
 * {@value #WARM} prefix that first warms the JVM on the whole backlog:
 * <ul>
 *   <li>{@value #DECODE}: reads {@code tollgate.usage.v1} and decodes each value with the app's own
 *       {@link UsageRecordDecoder}; nothing is stored or written but the offsets;</li>
 *   <li>{@value #INTAKE}: the app's own shared intake, {@link UsageIntake#build}: decode, the
 *       dead-letter split and the dedupe by event id (a RocksDB window store with its changelog), which every
 *       capability needs before it may count an event exactly once;</li>
 *   <li>{@value #ROLLUPS}: the intake and then the app's rollups ({@link RollupTopology}, with its default grace and
 *       retention): the org and endpoint windows, their stores, changelogs and output records on
 *       {@code tollgate.rollups.v1}, the endpoint repartition; what lies between this floor and the app is the other
 *       capabilities (totals, budgets, evals, alerts);</li>
 *   <li>{@value #REQUESTS}: reads {@code tollgate.requests.v1} and decodes each value with the app's own
 *       {@link RequestRecordDecoder}, nothing more: the floor of the evals benchmark, whose scoring topology starts
 *       from that decode.</li>
 * </ul>
 *
 * <p>{@link StreamsBench} starts it in a child JVM on the streams app's own jars
 * ({@code streams/target/quarkus-app}) plus this module's classes, so that Kafka Streams, RocksDB and the Apicurio
 * serdes are the versions the app runs. Arguments: {@code STAGE BOOTSTRAP REGISTRY_URL STATE_DIR}.
 */
public final class StreamsFloor {

    /** Source and decode only. */
    public static final String DECODE = "decode";
    /** Source, decode, dead-letter split and dedupe: the app's shared intake. */
    public static final String INTAKE = "intake";
    /** The intake and the rollups capability, nothing else. */
    public static final String ROLLUPS = "rollups";
    /** Source and decode of the requests topic only. */
    public static final String REQUESTS = "requests";

    private StreamsFloor() {
    }

    /**
     * Followed by the stage, the consumer group and prefix of the internal topics. A constant, like the stage
     * names, so that {@link StreamsBench} never loads this class: its JVM has no Kafka Streams.
     */
    public static final String APPLICATION_ID_PREFIX = "tollgate-floor-";

    /**
     * Before a stage name (e.g. {@code warm-decode}): first work through the whole backlog once under another
     * application id, unmeasured, so that the measured pass runs on a JVM the JIT has compiled, as a long-running
     * app's is.
     */
    public static final String WARM = "warm-";

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException(
                    "usage: StreamsFloor [warm-]decode|[warm-]intake|[warm-]rollups|[warm-]requests BOOTSTRAP REGISTRY_URL "
                            + "STATE_DIR");
        }
        String stage = args[0].toLowerCase(Locale.ROOT);
        String topologyStage = stage.startsWith(WARM) ? stage.substring(WARM.length()) : stage;
        if (stage.startsWith(WARM)) {
            try (KafkaStreams warmUp = new KafkaStreams(topology(topologyStage, args[2]),
                    config(APPLICATION_ID_PREFIX + stage + "-warmup", args[1], args[3]))) {
                warmUp.start();
                awaitBacklogDone(APPLICATION_ID_PREFIX + stage + "-warmup", args[1], topic(topologyStage));
            }
        }
        KafkaStreams streams = new KafkaStreams(topology(topologyStage, args[2]),
                config(APPLICATION_ID_PREFIX + stage, args[1], args[3]));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> streams.close(Duration.ofSeconds(10)), "floor-stop"));
        streams.start();
        Thread.currentThread().join();
    }

    private static Properties config(String applicationId, String bootstrap, String stateDir) {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // The app's backlog cadence (kafka-streams.commit.interval.ms): the backlog is not live, so the app commits
        // at this interval while it works it off, and a floor must pay the same per-commit costs to be a floor.
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Integer.getInteger("floor.commit.interval.ms", 1000));
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        config.put(StreamsConfig.STATE_DIR_CONFIG, Path.of(stateDir).toAbsolutePath().toString());
        return config;
    }

    /** The topic a stage reads. */
    static String topic(String stage) {
        return REQUESTS.equals(stage) ? Topics.REQUESTS : Topics.USAGE;
    }

    /** Waits until {@code group} has committed the whole of {@code topic}, as it stood when this was called. */
    private static void awaitBacklogDone(String group, String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get()
                    .get(topic).partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            long end = admin.listOffsets(partitions.stream()
                    .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()))).all().get().values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
            long committed = 0;
            while (committed < end) {
                Thread.sleep(200);
                committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values()
                        .stream().filter(Objects::nonNull).mapToLong(OffsetAndMetadata::offset).sum();
            }
        }
    }

    static Topology topology(String stage, String registryUrl) {
        StreamsBuilder builder = new StreamsBuilder();
        Supplier<Deserializer<UsageEvent>> deserializers = () -> {
            AvroKafkaDeserializer<UsageEvent> deserializer = new AvroKafkaDeserializer<>();
            deserializer.configure(AvroSerdes.deserializerConfig(registryUrl), false);
            return deserializer;
        };
        KStream<String, ?> last = switch (stage) {
            case DECODE -> builder
                    .stream(Topics.USAGE, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("floor-source"))
                    .processValues(() -> new UsageRecordDecoder(deserializers.get()), Named.as("floor-decode"));
            case INTAKE -> UsageIntake.build(builder, Duration.ofHours(24), deserializers);
            case ROLLUPS -> {
                KStream<String, UsageEvent> usage = UsageIntake.build(builder, Duration.ofHours(24), deserializers);
                RollupTopology.contribute(usage, RollupConfig.DEFAULTS);
                yield usage;
            }
            case REQUESTS -> builder
                    .stream(Topics.REQUESTS, Consumed.with(Serdes.String(), Serdes.ByteArray())
                            .withName("floor-requests-source"))
                    .processValues(() -> new RequestRecordDecoder(requestDeserializer(registryUrl)),
                            Named.as("floor-requests-decode"));
            default -> throw new IllegalArgumentException("unknown stage " + stage
                    + ": decode, intake, rollups or requests");
        };
        last.foreach((orgId, value) -> { }, Named.as("floor-end"));
        return builder.build();
    }

    private static Deserializer<RequestEvent> requestDeserializer(String registryUrl) {
        AvroKafkaDeserializer<RequestEvent> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(AvroSerdes.deserializerConfig(registryUrl), false);
        return deserializer;
    }
}
