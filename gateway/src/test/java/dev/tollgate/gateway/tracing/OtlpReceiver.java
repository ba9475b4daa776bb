package dev.tollgate.gateway.tracing;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real OTLP/HTTP trace receiver in the test JVM, as a collector's {@code otlp} receiver is: it takes
 * {@code POST /v1/traces} with an {@code ExportTraceServiceRequest} in protobuf, decoded with the protocol's own
 * generated classes, and answers an empty {@code ExportTraceServiceResponse}. While {@link #refuse refusing} it
 * answers 400 to every export, as a collector does with a request it will not take and the exporter does not retry.
 */
final class OtlpReceiver implements AutoCloseable {

    /** One received span with the resource it came with. */
    record Received(Span span, Resource resource) {

        String traceId() {
            return HexFormat.of().formatHex(span.getTraceId().toByteArray());
        }

        String spanId() {
            return HexFormat.of().formatHex(span.getSpanId().toByteArray());
        }

        String parentSpanId() {
            return HexFormat.of().formatHex(span.getParentSpanId().toByteArray());
        }

        /** The attributes as strings (an array as its values joined by commas), for comparing in one map. */
        Map<String, String> attributes() {
            return OtlpReceiver.strings(span.getAttributesList());
        }

        Map<String, String> resourceAttributes() {
            return OtlpReceiver.strings(resource.getAttributesList());
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final BlockingQueue<Received> spans = new LinkedBlockingQueue<>();
    private volatile boolean refusing;
    private volatile int exports;

    /** A receiver on a free loopback port. */
    OtlpReceiver() throws Exception {
        this(0);
    }

    /** A receiver on loopback {@code port} (0: a free one). */
    OtlpReceiver(int port) throws Exception {
        server = vertx.createHttpServer().requestHandler(this::handle).listen(port, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** The URL to configure as {@code tollgate.tracing.endpoint}. */
    String endpoint() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1/traces";
    }

    void refuse(boolean refuse) {
        this.refusing = refuse;
    }

    /** Export requests answered so far, taken or refused. */
    int exports() {
        return exports;
    }

    /**
     * Waits until {@code count} received spans match, taking them out of what was received; the ones that did not
     * match stay.
     */
    List<Received> await(Predicate<Received> match, int count, Duration timeout) throws InterruptedException {
        List<Received> matched = new ArrayList<>();
        List<Received> others = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (matched.size() < count && System.nanoTime() < deadline) {
            Received next = spans.poll(50, TimeUnit.MILLISECONDS);
            if (next != null) {
                (match.test(next) ? matched : others).add(next);
            }
        }
        spans.addAll(others);
        return matched;
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            exports++;
            if (!request.path().equals("/v1/traces") || refusing) {
                request.response().setStatusCode(400).end();
                return;
            }
            try {
                take(ExportTraceServiceRequest.parseFrom(body.getBytes()));
            } catch (InvalidProtocolBufferException e) {
                request.response().setStatusCode(400).end();
                return;
            }
            request.response().putHeader("content-type", "application/x-protobuf")
                    .end(Buffer.buffer(ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
        });
    }

    private void take(ExportTraceServiceRequest export) {
        for (ResourceSpans resourceSpans : export.getResourceSpansList()) {
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                for (Span span : scopeSpans.getSpansList()) {
                    spans.add(new Received(span, resourceSpans.getResource()));
                }
            }
        }
    }

    static Map<String, String> strings(List<KeyValue> attributes) {
        Map<String, String> values = new TreeMap<>();
        for (KeyValue attribute : attributes) {
            var value = attribute.getValue();
            String text = switch (value.getValueCase()) {
                case STRING_VALUE -> value.getStringValue();
                case INT_VALUE -> Long.toString(value.getIntValue());
                case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
                case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
                case ARRAY_VALUE -> String.join(",", value.getArrayValue().getValuesList().stream()
                        .map(v -> v.getStringValue()).toList());
                default -> value.toString();
            };
            values.put(attribute.getKey(), text);
        }
        return values;
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
