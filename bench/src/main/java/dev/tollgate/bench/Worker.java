package dev.tollgate.bench;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load of one event loop: its own HTTP client and connection pool, its own {@link Recorder}, and every callback
 * on its own context, so the hot path takes no lock.
 *
 * <p>Closed loop: {@code connections} request loops, each sending its next request when the previous answer has
 * ended, until the end time. Open loop: request {@code i} is due at {@code start + phase + i / rate}; a 1 ms timer
 * sends every request that has come due, and each latency counts from the due time, so a slow server or a late
 * client shows as latency instead of silently lowering the rate. Requests due beyond {@code maxInFlight}
 * outstanding are skipped and counted. A periodic sweep resets exchanges silent for longer than the timeout. A failed
 * answer is counted by its status and the {@code error.code} of its body ({@code status 503 events_unavailable}).
 */
final class Worker extends AbstractVerticle {

    /** How much of a failed answer's body is kept to find its error code. */
    private static final int ERROR_BODY_CHARS = 1024;
    private static final Pattern ERROR_CODE = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]{1,64})\"");

    private final LoadSpec spec;
    private final int connections;
    private final double ratePerSecond;
    private final double phase;
    private final Recorder recorder = new Recorder();
    private final Promise<Recorder> done = Promise.promise();
    private final Buffer body;

    private HttpClient client;
    private RequestOptions options;
    private final long startNanos;
    private long measureFromNanos;
    private long endNanos;
    private int inFlight;
    private int activeLoops;
    private boolean sending;
    private long ticker = -1;
    private long sweeper = -1;
    private long nextIndex;
    private final Set<Exchange> outstanding = new HashSet<>();

    /**
     * Creates a worker; deploying it as a verticle binds it to an event loop of its own.
     *
     * @param connections connections of this worker (and closed-loop request loops)
     * @param ratePerSecond this worker's share of the open-loop rate
     * @param phase fraction of one period by which this worker's schedule is offset, so workers interleave
     * @param startNanos when the load starts, as a {@link System#nanoTime()} value
     */
    Worker(LoadSpec spec, int connections, double ratePerSecond, double phase, long startNanos) {
        this.spec = spec;
        this.connections = connections;
        this.ratePerSecond = ratePerSecond;
        this.phase = phase;
        this.startNanos = startNanos;
        this.body = Buffer.buffer(spec.body());
    }

    @Override
    public void start() {
        begin();
    }

    /** Completes with the figures once the run has ended. */
    Future<Recorder> result() {
        return done.future();
    }

    /** Ends the run now; requests still outstanding count as unfinished. */
    void cutOff() {
        context.runOnContext(v -> {
            if (!done.future().isComplete()) {
                recorder.unfinished = inFlight;
                finish();
            }
        });
    }

    private void begin() {
        URI target = spec.target();
        int port = target.getPort() > 0 ? target.getPort() : 80;
        client = vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true)
                        .setPipelining(false)
                        .setTcpNoDelay(true)
                        .setDefaultHost(target.getHost())
                        .setDefaultPort(port),
                new PoolOptions().setHttp1MaxSize(connections));
        String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        if (target.getRawQuery() != null) {
            path += "?" + target.getRawQuery();
        }
        options = new RequestOptions()
                .setMethod(HttpMethod.valueOf(spec.method().toUpperCase(java.util.Locale.ROOT)))
                .setHost(target.getHost())
                .setPort(port)
                .setURI(path);
        for (Map.Entry<String, String> header : spec.headers().entrySet()) {
            options.putHeader(header.getKey(), header.getValue());
        }
        measureFromNanos = startNanos + spec.warmup().toNanos();
        endNanos = measureFromNanos + spec.duration().toNanos();
        long sweepMs = Math.max(5, Math.min(100, spec.timeout().toMillis() / 4));
        sweeper = vertx.setPeriodic(sweepMs, id -> sweep());
        long delayMs = Math.max(1, (startNanos - System.nanoTime()) / 1_000_000);
        vertx.setTimer(delayMs, id -> {
            if (spec.mode() == LoadSpec.Mode.CLOSED) {
                runClosed();
            } else {
                runOpen();
            }
        });
    }

    private void runClosed() {
        activeLoops = connections;
        for (int i = 0; i < connections; i++) {
            nextClosed();
        }
    }

    private void nextClosed() {
        long now = System.nanoTime();
        if (now >= endNanos || done.future().isComplete()) {
            activeLoops--;
            maybeFinish();
            return;
        }
        issue(now, this::nextClosed);
    }

    private void runOpen() {
        sending = true;
        ticker = vertx.setPeriodic(1, id -> tick());
        tick();
    }

    private void tick() {
        long now = System.nanoTime();
        long due = dueTime(nextIndex);
        while (due <= now && due < endNanos) {
            if (inFlight >= spec.maxInFlight()) {
                if (due >= measureFromNanos) {
                    recorder.skipped++;
                }
            } else {
                issue(due, null);
            }
            nextIndex++;
            due = dueTime(nextIndex);
        }
        if (due >= endNanos) {
            vertx.cancelTimer(ticker);
            sending = false;
            maybeFinish();
        }
    }

    private long dueTime(long index) {
        return startNanos + (long) ((index + phase) * 1e9 / ratePerSecond);
    }

    private void issue(long dueNanos, Runnable next) {
        inFlight++;
        Exchange exchange = new Exchange(dueNanos, System.nanoTime(), next);
        outstanding.add(exchange);
        client.request(options)
                .compose(request -> {
                    exchange.request = request;
                    if (exchange.timedOut) {
                        request.reset();
                    }
                    return request.send(body);
                })
                .onComplete(ar -> {
                    if (ar.failed()) {
                        exchange.end(-1, ar.cause());
                    } else {
                        exchange.receive(ar.result());
                    }
                });
    }

    /**
     * Resets every exchange silent for longer than the timeout. One periodic sweep replaces a timer per request,
     * which would cost more than the request itself at tens of thousands of requests per second.
     */
    private void sweep() {
        long limit = System.nanoTime() - spec.timeout().toNanos();
        for (Exchange exchange : List.copyOf(outstanding)) {
            if (!exchange.timedOut && exchange.lastActivityNanos < limit) {
                exchange.timedOut = true;
                if (exchange.request != null) {
                    exchange.request.reset();
                }
            }
        }
    }

    private void maybeFinish() {
        if (inFlight == 0 && activeLoops <= 0 && !sending) {
            finish();
        }
    }

    private void finish() {
        if (done.future().isComplete()) {
            return;
        }
        if (ticker >= 0) {
            vertx.cancelTimer(ticker);
        }
        if (sweeper >= 0) {
            vertx.cancelTimer(sweeper);
        }
        Future<Void> closed = client == null ? Future.succeededFuture() : client.close();
        closed.onComplete(v -> done.tryComplete(recorder));
    }

    /**
     * The {@code error.code} of an OpenAI-shaped error body, after a space ({@code " events_unavailable"}), so that
     * failures of one status but different causes are counted apart; empty when the body has none.
     */
    static String errorCode(CharSequence body) {
        if (body == null) {
            return "";
        }
        Matcher code = ERROR_CODE.matcher(body);
        return code.find() ? " " + code.group(1) : "";
    }

    /** Names a failure so that the report groups like with like. */
    static String classify(Throwable failure) {
        if (failure instanceof HttpClosedException) {
            return "connection closed";
        }
        if (failure instanceof ConnectException) {
            return "connect failed";
        }
        if (failure.getClass().getSimpleName().contains("Timeout")
                || String.valueOf(failure.getMessage()).contains("timeout")) {
            return "timeout";
        }
        return failure.getClass().getSimpleName();
    }

    /** One request from send to its last byte. */
    private final class Exchange implements Handler<Buffer> {
        private final long dueNanos;
        private final long sentNanos;
        private final Runnable next;
        private long firstByteNanos = -1;
        private long lastActivityNanos;
        private long bytes;
        private HttpClientRequest request;
        private boolean timedOut;
        private boolean ended;
        /** The start of a failed answer's body, for its error code; null for a 2xx. */
        private StringBuilder errorBody;

        Exchange(long dueNanos, long sentNanos, Runnable next) {
            this.dueNanos = dueNanos;
            this.sentNanos = sentNanos;
            this.lastActivityNanos = sentNanos;
            this.next = next;
        }

        void receive(HttpClientResponse response) {
            lastActivityNanos = System.nanoTime();
            if (response.statusCode() < 200 || response.statusCode() > 299) {
                errorBody = new StringBuilder();
            }
            response.handler(this);
            response.end().onComplete(ar -> end(response.statusCode(), ar.failed() ? ar.cause() : null));
        }

        @Override
        public void handle(Buffer chunk) {
            lastActivityNanos = System.nanoTime();
            if (firstByteNanos < 0) {
                firstByteNanos = lastActivityNanos;
            }
            bytes += chunk.length();
            if (errorBody != null && errorBody.length() < ERROR_BODY_CHARS) {
                errorBody.append(chunk.toString(StandardCharsets.UTF_8));
            }
        }

        void end(int status, Throwable failure) {
            if (ended) {
                return;
            }
            ended = true;
            long now = System.nanoTime();
            inFlight--;
            outstanding.remove(this);
            if (!done.future().isComplete() && dueNanos >= measureFromNanos && dueNanos < endNanos) {
                if (timedOut) {
                    recorder.error("timeout");
                } else if (failure != null) {
                    recorder.error(classify(failure));
                } else if (status < 200 || status > 299) {
                    recorder.error("status " + status + errorCode(errorBody));
                } else {
                    long firstByte = spec.streaming() && firstByteNanos >= 0 ? firstByteNanos - dueNanos : -1;
                    recorder.success(now - dueNanos, now - sentNanos, firstByte, bytes);
                }
            }
            if (next != null) {
                next.run();
            } else {
                maybeFinish();
            }
        }
    }
}
