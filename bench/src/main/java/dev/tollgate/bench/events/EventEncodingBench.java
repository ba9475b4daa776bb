package dev.tollgate.bench.events;

import dev.tollgate.events.v1.RequestEvent;
import dev.tollgate.events.v1.RequestParams;
import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.events.v1.Span;
import dev.tollgate.events.v1.SpanStatus;
import dev.tollgate.events.v1.TraceEvent;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.events.v1.UsageSource;
import dev.tollgate.schemas.CachingAvroDatumProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * What the gateway's publisher thread pays per request to build and encode its three events, in one JVM, so that
 * two ways of doing it compare without the machine's load in between (the thread-CPU readings of the full
 * benchmark move by a third with the load of the shared cores).
 *
 * <ul>
 *   <li><b>encode:</b> each event of a typical request (usage, request, and a trace of seven spans) written as
 *       Apicurio's serializer writes it, through Avro's unbuffered {@code DirectBinaryEncoder} into a fresh
 *       {@code ByteArrayOutputStream}: with Avro's own {@code SpecificDatumWriter} (what Apicurio's default datum
 *       provider uses), and with the contract's writer ({@code CachingAvroDatumProvider}).</li>
 *   <li><b>build:</b> the usage and request events built with their generated builders, and with their setters
 *       as the gateway builds them.</li>
 * </ul>
 *
 * Each variant runs in turn for {@code ITERATIONS}, {@code ROUNDS} times; the first {@code WARM_ROUNDS} rounds are
 * not reported. Prints the median and the fastest round in nanoseconds per event. Run:
 * {@code java -cp "bench/target/classes:$(cat bench/target/runtime-classpath.txt)"
 * dev.tollgate.bench.events.EventEncodingBench} after {@code ./mvnw -q package -DskipTests -pl bench -am
 * dependency:build-classpath -Dmdep.outputFile=target/runtime-classpath.txt -DincludeScope=runtime}.
 */
public final class EventEncodingBench {

    private static final int ITERATIONS = 100_000;
    private static final int ROUNDS = 12;
    private static final int WARM_ROUNDS = 4;
    private static final Instant AT = Instant.parse("2026-11-22T10:00:00.123Z");
    private static final String ID = "3f2a1b4c-1111-4222-8333-944455556666";

    /** Keeps results reachable so the JIT cannot drop the work. */
    private static volatile Object sink;

    private EventEncodingBench() {
    }

    public static void main(String[] args) {
        Map<String, Runnable> variants = new LinkedHashMap<>();
        for (SpecificRecord event : List.of(usageBySetters(), requestBySetters(), trace())) {
            String name = event.getSchema().getName();
            DatumWriter<Object> avro = new SpecificDatumWriter<>(event.getSchema());
            DatumWriter<Object> contract = new CachingAvroDatumProvider<Object>().createDatumWriter(event,
                    event.getSchema());
            variants.put(name + " encode, Avro's SpecificDatumWriter", () -> sink = encode(avro, event));
            variants.put(name + " encode, the contract's writer", () -> sink = encode(contract, event));
        }
        variants.put("UsageEvent build, builder", supply(EventEncodingBench::usageByBuilder));
        variants.put("UsageEvent build, setters", supply(EventEncodingBench::usageBySetters));
        variants.put("RequestEvent build, builder", supply(EventEncodingBench::requestByBuilder));
        variants.put("RequestEvent build, setters", supply(EventEncodingBench::requestBySetters));

        Map<String, List<Double>> nanos = new LinkedHashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            for (Map.Entry<String, Runnable> variant : variants.entrySet()) {
                long start = System.nanoTime();
                for (int i = 0; i < ITERATIONS; i++) {
                    variant.getValue().run();
                }
                double perEvent = (System.nanoTime() - start) / (double) ITERATIONS;
                if (round >= WARM_ROUNDS) {
                    nanos.computeIfAbsent(variant.getKey(), k -> new ArrayList<>()).add(perEvent);
                }
            }
        }
        nanos.forEach((name, values) -> {
            Collections.sort(values);
            System.out.printf(Locale.ROOT, "%-50s median %,7.0f ns  fastest %,7.0f ns%n", name,
                    values.get(values.size() / 2), values.get(0));
        });
    }

    private static Runnable supply(Supplier<Object> build) {
        return () -> sink = build.get();
    }

    /** As Apicurio's serializer does: magic byte, schema id, then the record through the direct encoder. */
    private static byte[] encode(DatumWriter<Object> writer, Object event) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(0);
            out.write(new byte[4]);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer.write(event, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static UsageEvent usageByBuilder() {
        return UsageEvent.newBuilder().setEventId(ID).setRequestId("req-0123456789").setAttempt(1).setOrgId("local")
                .setTeamId(null).setKeyId("key-1").setUser(null).setModel("sim-llama-3-8b").setEndpointId("sim-1")
                .setEnvironment("production").setPromptTokens(12).setCompletionTokens(16).setTotalTokens(28)
                .setCachedTokens(0).setUsageSource(UsageSource.PROVIDER).setCostMicros(53).setPriceVersion(1)
                .setStatus(RequestStatus.OK).setHttpStatus(200).setErrorCode(null).setStreaming(false)
                .setLatencyMs(2).setTtftMs(null).setStartedAt(AT).setCompletedAt(AT.plusMillis(2)).build();
    }

    private static UsageEvent usageBySetters() {
        UsageEvent event = new UsageEvent();
        event.setEventId(ID);
        event.setRequestId("req-0123456789");
        event.setAttempt(1);
        event.setOrgId("local");
        event.setTeamId(null);
        event.setKeyId("key-1");
        event.setUser(null);
        event.setModel("sim-llama-3-8b");
        event.setEndpointId("sim-1");
        event.setEnvironment("production");
        event.setPromptTokens(12);
        event.setCompletionTokens(16);
        event.setTotalTokens(28);
        event.setCachedTokens(0);
        event.setUsageSource(UsageSource.PROVIDER);
        event.setCostMicros(53);
        event.setPriceVersion(1);
        event.setStatus(RequestStatus.OK);
        event.setHttpStatus(200);
        event.setErrorCode(null);
        event.setStreaming(false);
        event.setLatencyMs(2);
        event.setTtftMs(null);
        event.setStartedAt(AT);
        event.setCompletedAt(AT.plusMillis(2));
        return event;
    }

    private static RequestEvent requestByBuilder() {
        return RequestEvent.newBuilder().setEventId(ID).setRequestId("req-0123456789").setOrgId("local")
                .setTeamId(null).setKeyId("key-1").setModel("sim-llama-3-8b").setEndpointId("sim-1")
                .setEnvironment("production").setApi("chat.completions")
                .setParams(RequestParams.newBuilder().setStream(false).setMaxTokens(16L).setTemperature(null)
                        .setTopP(null).setN(null).setSeed(null).setMessageCount(1).setToolCount(0)
                        .setResponseFormat(null).setUser(null).build())
                .setStatus(RequestStatus.OK).setHttpStatus(200).setErrorCode(null).setFinishReason("stop")
                .setReceivedAt(AT).setCompletedAt(AT.plusMillis(2)).setContent(null).build();
    }

    private static RequestEvent requestBySetters() {
        RequestEvent event = new RequestEvent();
        event.setEventId(ID);
        event.setRequestId("req-0123456789");
        event.setOrgId("local");
        event.setTeamId(null);
        event.setKeyId("key-1");
        event.setModel("sim-llama-3-8b");
        event.setEndpointId("sim-1");
        event.setEnvironment("production");
        event.setApi("chat.completions");
        event.setParams(new RequestParams(false, 16L, null, null, null, null, 1, 0, null, null));
        event.setStatus(RequestStatus.OK);
        event.setHttpStatus(200);
        event.setErrorCode(null);
        event.setFinishReason("stop");
        event.setReceivedAt(AT);
        event.setCompletedAt(AT.plusMillis(2));
        event.setContent(null);
        return event;
    }

    /** A trace as the gateway publishes one for a whole answer: a root span and six steps. */
    private static TraceEvent trace() {
        List<Span> spans = new ArrayList<>();
        for (String name : List.of("chat", "auth", "rate_limit", "route", "upstream_connect", "first_token",
                "complete")) {
            Map<String, String> attributes = new HashMap<>();
            if (name.equals("route")) {
                attributes.put("tollgate.endpoint_id", "sim-1");
            }
            spans.add(new Span("0123456789abcdef", "fedcba9876543210", name, AT, AT.plusMillis(1), SpanStatus.OK,
                    attributes));
        }
        return new TraceEvent(ID, "req-0123456789", "local", "4bf92f3577b34da6a3ce929d0e0e4736", spans);
    }
}
