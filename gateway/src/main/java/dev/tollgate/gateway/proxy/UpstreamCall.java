package dev.tollgate.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.gateway.events.TokenUsage;
import dev.tollgate.gateway.openai.ApiRequest;
import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.gateway.openai.OpenAiError;
import dev.tollgate.gateway.openai.RequestParser;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.Environment;
import dev.tollgate.gateway.routing.Lease;
import dev.tollgate.gateway.routing.Router;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Calls the endpoints of a model for one request and relays the answer: choose an endpoint ({@link Router}),
 * send, and either relay what comes back or, when the attempt failed before any byte reached the client, try
 * another endpoint. An attempt fails when the connection fails, the attempt's time runs out, the endpoint answers
 * 5xx, or its response breaks. Once the client has received the status line, a failure ends the request.
 * Everything runs on the request's event loop.
 */
@ApplicationScoped
public class UpstreamCall {

    /** HTTP status recorded (never sent) when the client went away first, as nginx does. */
    static final int CLIENT_CLOSED = 499;
    private static final Logger LOG = Logger.getLogger(UpstreamCall.class);

    /** Why an attempt failed. */
    enum Failure { CONNECT, TIMEOUT, SERVER_ERROR, BROKEN_RESPONSE }

    private final Router router;
    private final UpstreamClient upstream;
    private final Vertx vertx;

    @Inject
    UpstreamCall(Router router, UpstreamClient upstream, Vertx vertx) {
        this.router = router;
        this.upstream = upstream;
        this.vertx = vertx;
    }

    /** Serves {@code request} from an endpoint of its model in {@code environment}; ends the exchange. */
    public void start(RoutingContext ctx, Exchange exchange, ApiRequest request, Environment environment) {
        exchange.upstreamStarted();
        new Call(ctx, exchange, request, environment).next(null);
    }

    /** One request across its attempts. */
    private final class Call {
        private final RoutingContext ctx;
        private final Exchange exchange;
        private final ApiRequest request;
        private final Environment environment;
        private final Buffer body;
        private final long timeoutMs;
        private final Set<String> tried = new HashSet<>();
        private int attempts;
        private Attempt current;

        Call(RoutingContext ctx, Exchange exchange, ApiRequest request, Environment environment) {
            this.ctx = ctx;
            this.exchange = exchange;
            this.request = request;
            this.environment = environment;
            this.body = request.stream() ? withUsageRequested(request) : ctx.body().buffer();
            this.timeoutMs = router.requestTimeout(request.model()).toMillis();
            // The only close handler of the response: RoutingContext.addEndHandler would replace it, so every
            // attempt settles its own lease on each way it ends, and its timer guarantees that one of them comes.
            ctx.response().closeHandler(v -> clientGone());
        }

        /** Starts the next attempt, or ends the request with {@code last} when no endpoint is left. */
        void next(Attempt last) {
            if (exchange.isFinished()) {
                return;
            }
            long routeStart = System.nanoTime();
            Router.Selection selection = router.select(request.model(), environment, tried);
            exchange.trace().span("route", routeStart, System.nanoTime(), selection instanceof Router.Chosen,
                    selection instanceof Router.Chosen c ? Map.of("tollgate.endpoint_id", c.lease().endpoint().id(),
                            "tollgate.attempt", Integer.toString(attempts + 1)) : Map.of());
            if (selection instanceof Router.Chosen chosen) {
                attempts++;
                Endpoint endpoint = chosen.lease().endpoint();
                tried.add(endpoint.id());
                exchange.attempt(attempts);
                exchange.endpoint(endpoint);
                current = new Attempt(this, chosen.lease(), attempts);
                current.start();
            } else if (last != null) {
                last.giveUp();
            } else if (selection instanceof Router.NotServed) {
                reject(new OpenAiError(ErrorCode.MODEL_NOT_FOUND, "The model '" + request.model()
                        + "' is not served in the " + environment.wireName() + " environment.", "model"),
                        RequestStatus.CLIENT_ERROR);
            } else {
                LOG.warnf("no healthy endpoint request_id=%s model=%s environment=%s", exchange.requestId(),
                        request.model(), environment.wireName());
                reject(OpenAiError.of(ErrorCode.NO_HEALTHY_ENDPOINT, "No endpoint of the model '" + request.model()
                        + "' is available right now. Retry the request later."), RequestStatus.UPSTREAM_ERROR);
            }
        }

        private void reject(OpenAiError error, RequestStatus status) {
            error.send(ctx.response());
            exchange.fail(error, status);
        }

        /**
         * The client connection closed. That is a cancellation only while the answer is still being written: a
         * connection may also close as part of ending a complete response, which must still count as answered.
         */
        private void clientGone() {
            if (!ctx.response().ended() && !exchange.isFinished()) {
                if (current != null) {
                    current.abandon();
                }
                exchange.finish(RequestStatus.CANCELLED, CLIENT_CLOSED, "client_closed", TokenUsage.NONE);
            }
        }
    }

    /** One attempt on one endpoint. Exactly one of its outcomes wins; later callbacks are ignored. */
    private final class Attempt {
        private final Call call;
        private final Lease lease;
        private final int number;
        private final Endpoint endpoint;
        private long timer = -1;
        private HttpClientRequest upstreamRequest;
        private SseRelay relay;
        private boolean settled;
        private Failure failure;
        private String reason;
        private HttpClientResponse errorAnswer;
        private Buffer errorBody;

        Attempt(Call call, Lease lease, int number) {
            this.call = call;
            this.lease = lease;
            this.number = number;
            this.endpoint = lease.endpoint();
        }

        void start() {
            timer = vertx.setTimer(call.timeoutMs, id -> {
                timer = -1;
                fail(Failure.TIMEOUT, "no complete answer within " + call.timeoutMs + " ms");
            });
            upstream.open(endpoint, call.request.api().path(), call.exchange.requestId()).onComplete(opened -> {
                call.exchange.upstreamConnected(opened.succeeded());
                if (opened.failed()) {
                    fail(Failure.CONNECT, opened.cause().getMessage());
                    return;
                }
                upstreamRequest = opened.result();
                if (settled) {
                    upstreamRequest.reset();
                    return;
                }
                upstreamRequest.send(call.body).onComplete(answered -> {
                    if (answered.failed()) {
                        fail(Failure.CONNECT, answered.cause().getMessage());
                    } else if (!settled) {
                        answer(answered.result());
                    }
                });
            });
        }

        private void answer(HttpClientResponse answer) {
            if (answer.statusCode() >= 500) {
                answer.body().onComplete(read -> {
                    errorAnswer = answer;
                    errorBody = read.succeeded() ? read.result() : null;
                    fail(Failure.SERVER_ERROR, "status_" + answer.statusCode());
                });
            } else if (call.request.stream() && isEventStream(answer)) {
                stream(answer);
            } else {
                relayWhole(answer);
            }
        }

        /** A non-streaming answer, or any answer below 500 that is not an event stream. */
        private void relayWhole(HttpClientResponse answer) {
            answer.body().onComplete(read -> {
                if (read.failed()) {
                    fail(Failure.BROKEN_RESPONSE, read.cause().getMessage());
                    return;
                }
                if (!settle()) {
                    return;
                }
                lease.succeeded();
                int status = answer.statusCode();
                send(status, answer, read.result());
            });
        }

        private void send(int status, HttpClientResponse answer, Buffer answerBody) {
            TokenUsage usage = status == 200 ? usageOf(answerBody, call.request, call.exchange) : TokenUsage.NONE;
            HttpServerResponse response = call.ctx.response();
            if (!response.closed()) {
                response.setStatusCode(status).putHeader("content-type", contentType(answer)).end(answerBody);
            }
            call.exchange.finish(statusOf(status), status, status >= 400 ? "upstream_" + status : null, usage);
        }

        private void stream(HttpClientResponse answer) {
            HttpServerResponse response = call.ctx.response();
            relay = new SseRelay(call.request.includeUsage(), call.exchange::firstToken);
            answer.handler(chunk -> {
                if (settled) {
                    return;
                }
                Buffer out = relay.accept(chunk);
                if (out.length() > 0 && !response.closed()) {
                    if (!response.headWritten()) {
                        response.setStatusCode(200).setChunked(true).putHeader("content-type", "text/event-stream")
                                .putHeader("cache-control", "no-cache");
                    }
                    response.write(out);
                    if (response.writeQueueFull()) {
                        answer.pause();
                        response.drainHandler(v -> answer.resume());
                    }
                }
            });
            answer.exceptionHandler(error -> fail(Failure.BROKEN_RESPONSE, error.getMessage()));
            answer.endHandler(v -> {
                boolean complete = relay.complete();
                if (!complete && !response.headWritten()) {
                    fail(Failure.BROKEN_RESPONSE, "stream ended before any event");
                    return;
                }
                if (!settle()) {
                    return;
                }
                if (complete) {
                    lease.succeeded();
                } else {
                    lease.failed();
                }
                if (!response.closed()) {
                    if (!response.headWritten()) {
                        response.setStatusCode(200).setChunked(true).putHeader("content-type", "text/event-stream");
                    }
                    response.end(relay.remainder());
                }
                call.exchange.answered(relay.finishReason(), () -> relay.completion().toString());
                call.exchange.finish(complete ? RequestStatus.OK : RequestStatus.UPSTREAM_ERROR, 200,
                        complete ? null : ErrorCode.UPSTREAM_PROTOCOL_ERROR.code(), usageOf(relay, call.request));
            });
        }

        /** Marks the attempt over; false when another outcome already won. */
        private boolean settle() {
            if (settled) {
                return false;
            }
            settled = true;
            if (timer != -1) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
            return true;
        }

        /** The attempt failed: retry on another endpoint while the client has seen nothing, else end the request. */
        private void fail(Failure kind, String why) {
            if (!settle()) {
                return;
            }
            failure = kind;
            reason = why;
            lease.failed();
            if (upstreamRequest != null && kind != Failure.SERVER_ERROR) {
                upstreamRequest.reset();
            }
            boolean clientSawBytes = call.ctx.response().headWritten();
            LOG.warnf("upstream attempt failed request_id=%s endpoint=%s attempt=%d failure=%s client_saw_bytes=%s "
                            + "reason=%s", call.exchange.requestId(), endpoint.id(), number, kind, clientSawBytes,
                    why);
            if (call.exchange.isFinished()) {
                return;
            }
            if (router.retryPolicy().mayRetry(number, clientSawBytes)) {
                call.next(this);
            } else {
                giveUp();
            }
        }

        /** Cancels the attempt because the client left; the endpoint is not to blame. */
        void abandon() {
            if (settle()) {
                lease.abandoned();
                if (upstreamRequest != null) {
                    upstreamRequest.reset();
                }
            }
        }

        /** Ends the request with this attempt's failure, as the last word the client gets. */
        void giveUp() {
            HttpServerResponse response = call.ctx.response();
            if (response.headWritten()) {
                response.reset();
                ErrorCode code = failure == Failure.TIMEOUT ? ErrorCode.UPSTREAM_TIMEOUT
                        : ErrorCode.UPSTREAM_PROTOCOL_ERROR;
                if (relay != null) {
                    call.exchange.answered(relay.finishReason(), () -> relay.completion().toString());
                }
                call.exchange.finish(RequestStatus.UPSTREAM_ERROR, 200, code.code(),
                        relay == null ? TokenUsage.NONE : usageOf(relay, call.request));
                return;
            }
            if (failure == Failure.SERVER_ERROR && errorBody != null) {
                // The endpoint's own error answer reaches the client unchanged.
                send(errorAnswer.statusCode(), errorAnswer, errorBody);
                return;
            }
            boolean timeout = failure == Failure.TIMEOUT;
            OpenAiError error = OpenAiError.of(timeout ? ErrorCode.UPSTREAM_TIMEOUT : ErrorCode.UPSTREAM_UNAVAILABLE,
                    timeout ? "The model endpoint did not answer in time."
                            : "The model endpoint could not be reached. Retry the request.");
            LOG.warnf("upstream failed request_id=%s endpoint=%s attempts=%d code=%s reason=%s",
                    call.exchange.requestId(), endpoint.id(), number, error.code().code(), reason);
            error.send(response);
            call.exchange.fail(error, RequestStatus.UPSTREAM_ERROR);
        }
    }

    /** Asks the upstream for the final usage chunk, so billing uses the model's own counts. */
    private static Buffer withUsageRequested(ApiRequest request) {
        ObjectNode body = request.body().deepCopy();
        JsonNode options = body.get("stream_options");
        ObjectNode streamOptions = options instanceof ObjectNode o ? o : body.putObject("stream_options");
        streamOptions.put("include_usage", true);
        try {
            return Buffer.buffer(RequestParser.MAPPER.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException("a parsed JSON tree always serializes", e);
        }
    }

    private static TokenUsage usageOf(Buffer body, ApiRequest request, Exchange exchange) {
        try {
            JsonNode answer = RequestParser.MAPPER.readTree(body.getBytes());
            JsonNode reason = answer.path("choices").path(0).path("finish_reason");
            exchange.answered(reason.isTextual() ? reason.asText() : null, () -> generatedText(answer));
            TokenUsage usage = UsageParser.fromResponse(answer);
            if (usage != null) {
                return usage;
            }
            return TokenEstimator.estimate(request, generatedText(answer));
        } catch (IOException notJson) {
            return TokenEstimator.estimate(request, "");
        }
    }

    /** The text of every choice: a chat choice's {@code message.content}, a completion choice's {@code text}. */
    private static String generatedText(JsonNode answer) {
        StringBuilder output = new StringBuilder();
        for (JsonNode choice : answer.path("choices")) {
            JsonNode content = choice.path("message").path("content");
            output.append((content.isTextual() ? content : choice.path("text")).asText(""));
        }
        return output.toString();
    }

    private static TokenUsage usageOf(SseRelay relay, ApiRequest request) {
        TokenUsage reported = relay.usage();
        return reported != null ? reported : TokenEstimator.estimate(request, relay.completion());
    }

    private static boolean isEventStream(HttpClientResponse answer) {
        String type = answer.getHeader("content-type");
        return answer.statusCode() == 200 && type != null && type.startsWith("text/event-stream");
    }

    private static String contentType(HttpClientResponse answer) {
        String type = answer.getHeader("content-type");
        return type == null ? "application/json" : type;
    }

    private static RequestStatus statusOf(int httpStatus) {
        if (httpStatus < 400) {
            return RequestStatus.OK;
        }
        return httpStatus < 500 ? RequestStatus.CLIENT_ERROR : RequestStatus.UPSTREAM_ERROR;
    }
}
