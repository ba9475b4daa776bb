package dev.tollgate.bench.streams;

import static dev.tollgate.bench.ReportJson.round;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

import dev.tollgate.bench.ThreadCpu;
import dev.tollgate.bench.streams.StreamsBench.Backlog;
import dev.tollgate.local.kafka.KafkaBroker;
import dev.tollgate.local.process.ChildJvm;
import dev.tollgate.local.process.Ports;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.budgets.BudgetTopology;
import dev.tollgate.streams.usage.UsageTotalsTopology;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;

/**
 * (d) of {@link StreamsBench}, scale-out: two instances of the streams app, separate JVMs in one consumer group,
 * share the backlog's partitions and must end with exactly the outputs one instance produced in (b).
 *
 * <ol>
 *   <li>Reads what (b) left: the last value of every key of the budget states, threshold events and rollups (every
 *       granularity) it published, and of its usage-totals and budget-spend changelogs ({@link FinalValues}). Runs
 *       while (b)'s instance is still up but idle: it has nothing left to read, so it writes nothing.</li>
 *   <li>Starts two app JVMs from the same {@code quarkus-run.jar}, with the bench's heap and options, each with its
 *       own state directory, HTTP port and client id, under a fresh application id ({@value #APPLICATION_ID}, set
 *       through {@code quarkus.kafka-streams.application-id}): a new group, new internal topics and transactional
 *       ids, so they start from scratch over the same backlog as (b) did.</li>
 *   <li>Measures their combined rate from the group's committed offsets exactly as (b) is measured
 *       ({@link StreamsBench#followBacklog}), and which usage partitions each one owns at the end.</li>
 *   <li>Reads the outputs they published (on the shared output topics, only records after the offsets (b) had
 *       reached; their own changelogs, whole) and compares the last value of every key with (b)'s, byte for byte.</li>
 * </ol>
 *
 * Why the application id can change: the app reads it from its configuration at run time (Kafka Streams names the
 * group, transactional ids and internal topics after it); {@code StreamsApplication.APPLICATION_ID} only names the
 * internal topics in the app's start-up log and its docs. The DSL's names do not depend on it.
 */
final class ScaleOutPhase {

    /** A fresh application id for the two instances. */
    static final String APPLICATION_ID = StreamsBench.APPLICATION_ID + "-x2";
    private static final List<String> INSTANCES = List.of("a", "b");
    private static final int EXAMPLES = 3;
    private static final int EXAMPLE_CHARS = 400;
    private static final Pattern REQUESTS = Pattern.compile("\"requests\":(\\d+)");

    /**
     * One output compared: its topic under (b) and under (d); the same topic for an output topic, each application
     * id's own for a changelog.
     */
    private record Output(String name, String single, String scaledOut) {

        boolean shared() {
            return single.equals(scaledOut);
        }
    }

    private static final List<Output> OUTPUTS = List.of(
            changelog("usage_totals", UsageTotalsTopology.TOTALS_STORE),
            changelog("budget_spend", BudgetTopology.SPEND_STORE),
            new Output("budget_state", Topics.BUDGET_STATE, Topics.BUDGET_STATE),
            new Output("budget_events", Topics.BUDGET_EVENTS, Topics.BUDGET_EVENTS),
            new Output("rollups", Topics.ROLLUPS, Topics.ROLLUPS));

    /**
     * Where (b)'s records begin on each output topic (b) shares with other writers: a floor stage may have written
     * to them before (the rollups floor publishes to {@code tollgate.rollups.v1}).
     */
    static Map<TopicPartition, Long> sharedOutputsEnd(String bootstrap) {
        Map<TopicPartition, Long> end = new HashMap<>();
        for (Output output : OUTPUTS) {
            if (output.shared()) {
                end.putAll(FinalValues.read(bootstrap, output.single(), Map.of()).end());
            }
        }
        return end;
    }

    private final StreamsBench bench;
    private final KafkaBroker kafka;
    private final String registryUrl;
    private final Map<String, Object> report = new LinkedHashMap<>();

    ScaleOutPhase(StreamsBench bench, KafkaBroker kafka, String registryUrl) {
        this.bench = bench;
        this.kafka = kafka;
        this.registryUrl = registryUrl;
    }

    /**
     * Runs the phase and puts its figures in the bench's report under {@code scale_out}.
     *
     * @param singleRate (b)'s events/s, to compare with
     * @param singleApp  (b)'s instance, idle meanwhile: its CPU over the phase is reported, to show it stayed idle
     * @return whether both instances got usage partitions and every compared value equals (b)'s
     */
    boolean run(long singleRate, ChildJvm singleApp) throws Exception {
        long singleCpuBefore = ThreadCpu.processMillis(singleApp.pid());
        bench.report.put("scale_out", report);
        String bootstrap = kafka.bootstrapServers();
        Map<String, FinalValues> single = new LinkedHashMap<>();
        for (Output output : OUTPUTS) {
            single.put(output.name(), FinalValues.read(bootstrap, output.single(),
                    output.shared() ? bench.outputsBeforeApp : Map.of()));
        }
        report.put("application_id", APPLICATION_ID);
        report.put("instances", INSTANCES.size());
        Map<String, Set<Integer>> split = scaleOut(singleRate);
        report.put("idle_single_instance_cpu_seconds",
                round((ThreadCpu.processMillis(singleApp.pid()) - singleCpuBefore) / 1000.0, 1));

        Map<String, Object> keys = new LinkedHashMap<>();
        Map<String, Object> mismatches = new LinkedHashMap<>();
        for (Output output : OUTPUTS) {
            FinalValues reference = single.get(output.name());
            FinalValues scaledOut = FinalValues.read(bootstrap, output.scaledOut(),
                    output.shared() ? reference.end() : Map.of());
            Map<String, Map<String, byte[]>> expected = byLabel(output, reference.values());
            Map<String, Map<String, byte[]>> actual = byLabel(output, scaledOut.values());
            if (Topics.ROLLUPS.equals(output.single())) {
                report.put("rollup_requests", rollupRequests(reference.values(), scaledOut.values()));
            }
            Set<String> labels = new TreeSet<>(expected.keySet());
            labels.addAll(actual.keySet());
            for (String label : labels) {
                Map<String, Object> difference = compare(output, expected.getOrDefault(label, Map.of()),
                        actual.getOrDefault(label, Map.of()), keys, label);
                if (!difference.isEmpty()) {
                    mismatches.put(label, difference);
                }
            }
        }
        boolean bothOwned = split.size() == INSTANCES.size() && split.values().stream().noneMatch(Set::isEmpty);
        boolean identical = mismatches.isEmpty();
        report.put("keys_compared", keys);
        report.put("identical", identical);
        report.put("both_instances_owned_usage_partitions", bothOwned);
        if (!identical) {
            report.put("mismatches", mismatches);
        }
        System.out.printf(Locale.ROOT, "(d) outputs of two instances against one: keys compared %s; identical: %s%n",
                keys, identical);
        if (!identical) {
            System.out.println("(d) MISMATCH: two instances' outputs differ from one instance's: " + mismatches);
        }
        if (!bothOwned) {
            System.out.println("(d) FAILED: an instance owned no usage partition at the end: " + split);
        }
        return identical && bothOwned;
    }

    /** Starts the two instances, follows them through the backlog and stops them; returns who owned what. */
    private Map<String, Set<Integer>> scaleOut(long singleRate) throws Exception {
        String bootstrap = kafka.bootstrapServers();
        List<ChildJvm> apps = new ArrayList<>();
        try {
            Map<ChildJvm, Integer> ports = new LinkedHashMap<>();
            for (String instance : INSTANCES) {
                int port = Ports.freePort();
                ChildJvm app = bench.launchStreams("scale-out-" + instance, bootstrap, registryUrl, port, List.of(
                        "quarkus.kafka-streams.application-id=" + APPLICATION_ID,
                        "quarkus.kafka-streams.application-server=127.0.0.1:" + port,
                        "kafka-streams.client.id=" + clientId(instance)));
                apps.add(app);
                ports.put(app, port);
            }
            ports.forEach(StreamsBench::awaitReady);
            Backlog backlog = StreamsBench.followBacklog(kafka, APPLICATION_ID, apps,
                    StreamsBench.repartitionTopic(APPLICATION_ID), 0);
            Map<String, Set<Integer>> split = usagePartitionsByInstance();
            Map<String, Double> cpu = new LinkedHashMap<>();
            for (int i = 0; i < INSTANCES.size(); i++) {
                cpu.put(INSTANCES.get(i), round(backlog.cpuSecondsByApp().get(i), 1));
            }
            report.put("events_per_second", backlog.rate());
            report.put("single_instance_events_per_second", singleRate);
            report.put("ratio_to_single", round((double) backlog.rate() / singleRate, 3));
            report.put("seconds_from_first_commit", round(backlog.seconds(), 2));
            report.put("usage_topic_done_seconds", round(backlog.usageDoneSeconds(), 2));
            report.put("seconds_from_ready", round(backlog.wallSeconds(), 2));
            report.put("cpu_seconds", round(backlog.cpuSeconds(), 1));
            report.put("cpu_seconds_by_instance", cpu);
            Map<String, List<Integer>> listed = new TreeMap<>();
            split.forEach((instance, partitions) -> listed.put(instance, List.copyOf(partitions)));
            report.put("usage_partitions_by_instance", listed);
            System.out.printf(Locale.ROOT, "(d) two instances: %,d events in %.2f s after their first commit = %,d "
                    + "events/s = %.2f x one instance's %,d (usage topic done after %.2f s; %.1f s from ready; "
                    + "CPU-s by instance %s; usage partitions by instance %s)%n", backlog.events(), backlog.seconds(),
                    backlog.rate(), (double) backlog.rate() / singleRate, singleRate, backlog.usageDoneSeconds(),
                    backlog.wallSeconds(), cpu, split);
            return split;
        } finally {
            apps.forEach(ChildJvm::close);
        }
    }

    private static String clientId(String instance) {
        return APPLICATION_ID + "-" + instance;
    }

    /**
     * The usage partitions each instance owns once the group is stable (members told apart by their client id);
     * waits up to 30 s for a stable group.
     */
    private Map<String, Set<Integer>> usagePartitionsByInstance() throws Exception {
        Map<String, Set<Integer>> owned = new TreeMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Admin admin = kafka.admin()) {
            do {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(APPLICATION_ID))
                        .describedGroups().get(APPLICATION_ID).get(10, TimeUnit.SECONDS);
                if (group.groupState() == GroupState.STABLE) {
                    INSTANCES.forEach(instance -> owned.put(instance, new TreeSet<>()));
                    for (MemberDescription member : group.members()) {
                        String instance = INSTANCES.stream()
                                .filter(i -> member.clientId().startsWith(clientId(i) + "-")).findFirst()
                                .orElse(member.clientId());
                        for (TopicPartition partition : member.assignment().topicPartitions()) {
                            if (partition.topic().equals(Topics.USAGE)) {
                                owned.computeIfAbsent(instance, i -> new TreeSet<>()).add(partition.partition());
                            }
                        }
                    }
                    return owned;
                }
                Thread.sleep(200);
            } while (System.nanoTime() < deadline);
        }
        throw new IllegalStateException(APPLICATION_ID + " was not a stable group within 30 s");
    }

    /** Splits the rollups by granularity (their keys are {@code <granularity>/<window start>/<rollup key>}). */
    private static Map<String, Map<String, byte[]>> byLabel(Output output, Map<String, byte[]> values) {
        Map<String, Map<String, byte[]>> labelled = new TreeMap<>();
        if (!Topics.ROLLUPS.equals(output.single())) {
            labelled.put(output.name(), values);
            return labelled;
        }
        values.forEach((key, value) -> labelled.computeIfAbsent(
                output.name() + "_" + key.substring(0, Math.max(0, key.indexOf('/'))), l -> new HashMap<>())
                .put(key, value));
        return labelled;
    }

    /**
     * Counts the keys of one label into {@code keys}; returns what differs (keys missing, extra, values different,
     * and a few examples), empty when nothing does.
     */
    private Map<String, Object> compare(Output output, Map<String, byte[]> expected, Map<String, byte[]> actual,
            Map<String, Object> keys, String label) {
        Set<String> all = new HashSet<>(expected.keySet());
        all.addAll(actual.keySet());
        keys.put(label, all.size());
        long missing = 0;
        long extra = 0;
        long different = 0;
        List<String> examples = new ArrayList<>();
        Map<String, Long> byKind = new TreeMap<>();
        for (String key : new TreeSet<>(all)) {
            boolean inExpected = expected.containsKey(key);
            boolean inActual = actual.containsKey(key);
            if (inExpected && inActual && Arrays.equals(expected.get(key), actual.get(key))) {
                continue;
            }
            if (!inActual) {
                missing++;
            } else if (!inExpected) {
                extra++;
            } else {
                different++;
            }
            if (Topics.ROLLUPS.equals(output.single())) {
                byKind.merge(rollupKind(key), 1L, Long::sum);
            }
            if (examples.size() < EXAMPLES) {
                examples.add("key " + key + ": one instance " + (inExpected ? show(output, expected.get(key)) : "none")
                        + "; two instances " + (inActual ? show(output, actual.get(key)) : "none"));
            }
        }
        Map<String, Object> difference = new LinkedHashMap<>();
        if (missing + extra + different > 0) {
            difference.put("missing_in_two", missing);
            difference.put("only_in_two", extra);
            difference.put("different", different);
            if (!byKind.isEmpty()) {
                difference.put("keys_by_rollup_kind", byKind);
            }
            difference.put("examples", examples);
        }
        return difference;
    }

    /** A value as readable text: Avro decoded, JSON as it is, cut short; never a control character. */
    private String show(Output output, byte[] value) {
        if (value == null) {
            return "tombstone";
        }
        String text;
        if (Topics.BUDGET_STATE.equals(output.single()) || Topics.BUDGET_EVENTS.equals(output.single())) {
            try (AvroKafkaDeserializer<Object> deserializer = new AvroKafkaDeserializer<>()) {
                deserializer.configure(AvroSerdes.deserializerConfig(registryUrl), false);
                text = String.valueOf(deserializer.deserialize(output.single(), value));
            } catch (RuntimeException e) {
                text = "(undecodable: " + e.getMessage() + ")";
            }
        } else {
            text = new String(value, StandardCharsets.UTF_8);
        }
        text = text.replaceAll("\\p{Cntrl}", "?");
        return text.length() > EXAMPLE_CHARS ? text.substring(0, EXAMPLE_CHARS) + "..." : text;
    }

    /**
     * Requests counted per granularity: in the org windows ({@code org=} keys alone; org, model, key and team
     * windows are all counted in the org's task) and in the endpoint windows, by one instance and by two. The
     * endpoint windows are summed from partials of every org task, so when those differ this says by how much each
     * run's endpoint windows fell short of its org windows.
     */
    private static Map<String, Object> rollupRequests(Map<String, byte[]> one, Map<String, byte[]> two) {
        Map<String, Object> byGranularity = new TreeMap<>();
        Map<String, long[]> oneSums = requestSums(one);
        Map<String, long[]> twoSums = requestSums(two);
        for (String granularity : new TreeSet<>(oneSums.keySet())) {
            Map<String, Object> sums = new LinkedHashMap<>();
            sums.put("org_windows_one_instance", oneSums.get(granularity)[0]);
            sums.put("org_windows_two_instances", twoSums.getOrDefault(granularity, new long[2])[0]);
            sums.put("endpoint_windows_one_instance", oneSums.get(granularity)[1]);
            sums.put("endpoint_windows_two_instances", twoSums.getOrDefault(granularity, new long[2])[1]);
            byGranularity.put(granularity, sums);
        }
        return byGranularity;
    }

    /** The dimensions of a rollup key without their values: {@code 1m/0/org=acme&model=x} is {@code org&model}. */
    private static String rollupKind(String key) {
        String rollupKey = key.split("/", 3)[2];
        return rollupKey.replaceAll("=[^&]*", "");
    }

    /** Per granularity: the requests of the {@code org=} windows and of the {@code endpoint=} windows. */
    private static Map<String, long[]> requestSums(Map<String, byte[]> rollups) {
        Map<String, long[]> sums = new TreeMap<>();
        rollups.forEach((key, value) -> {
            String[] parts = key.split("/", 3);
            boolean org = parts[2].startsWith("org=") && !parts[2].contains("&");
            boolean endpoint = parts[2].startsWith("endpoint=");
            Matcher requests = REQUESTS.matcher(value == null ? "" : new String(value, StandardCharsets.UTF_8));
            if ((org || endpoint) && requests.find()) {
                sums.computeIfAbsent(parts[0], g -> new long[2])[org ? 0 : 1] += Long.parseLong(requests.group(1));
            }
        });
        return sums;
    }

    private static Output changelog(String name, String store) {
        return new Output(name, StreamsBench.APPLICATION_ID + "-" + store + "-changelog",
                APPLICATION_ID + "-" + store + "-changelog");
    }
}
