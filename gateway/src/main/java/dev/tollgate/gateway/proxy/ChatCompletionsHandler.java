package dev.tollgate.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.gateway.events.TokenUsage;
import dev.tollgate.gateway.openai.ChatRequest;
import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.gateway.openai.OpenAiError;
import dev.tollgate.gateway.openai.RequestParser;
import dev.tollgate.gateway.ratelimit.RateLimitGate;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.EndpointRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * {@code POST /v1/chat/completions}: validate, route, call the endpoint, relay its answer, record usage.
 * Everything here runs on the event loop and waits on nothing but the upstream.
 */
@ApplicationScoped
public class ChatCompletionsHandler {

    static final String API_PATH = "/v1/chat/completions";
    /** HTTP status recorded (never sent) when the client went away first, as nginx does. */
    static final int CLIENT_CLOSED = 499;
    private static final Logger LOG = Logger.getLogger(ChatCompletionsHandler.class);

    private final EndpointRegistry endpoints;
    private final UpstreamClient upstream;
    private final RateLimitGate rateLimits;

    @Inject
    ChatCompletionsHandler(EndpointRegistry endpoints, UpstreamClient upstream, RateLimitGate rateLimits) {
        this.endpoints = endpoints;
        this.upstream = upstream;
        this.rateLimits = rateLimits;
    }

    /** Handles a request whose key was accepted and whose body was read within the limit. */
    public void handle(RoutingContext ctx, Exchange exchange) {
        rateLimits.quote(ctx, exchange.principal());
        Buffer raw = ctx.body().buffer(); // null, not empty, when the client sent no body at all
        RequestParser.Parsed parsed = RequestParser.chat(raw == null ? new byte[0] : raw.getBytes());
        if (parsed instanceof RequestParser.Invalid invalid) {
            reject(ctx, exchange, invalid.error(), RequestStatus.CLIENT_ERROR);
            return;
        }
        ChatRequest request = ((RequestParser.Valid) parsed).request();
        exchange.request(request);
        if (!exchange.principal().mayUse(request.model())) {
            reject(ctx, exchange, new OpenAiError(ErrorCode.MODEL_NOT_ALLOWED, "This API key may not use the model '"
                    + request.model() + "'.", "model"), RequestStatus.REJECTED);
            return;
        }
        if (!rateLimits.admit(ctx, exchange, request)) {
            return;
        }
        long routeStart = System.nanoTime();
        Endpoint endpoint = endpoints.pick(request.model()).orElse(null);
        exchange.trace().span("route", routeStart, System.nanoTime(), endpoint != null,
                endpoint == null ? Map.of() : Map.of("tollgate.endpoint_id", endpoint.id()));
        if (endpoint == null) {
            reject(ctx, exchange, new OpenAiError(ErrorCode.MODEL_NOT_FOUND, "The model '" + request.model()
                    + "' does not exist or is not served by this gateway.", "model"), RequestStatus.CLIENT_ERROR);
            return;
        }
        exchange.endpoint(endpoint);
        call(ctx, exchange, request, endpoint);
    }

    private void call(RoutingContext ctx, Exchange exchange, ChatRequest request, Endpoint endpoint) {
        Buffer body = request.stream() ? withUsageRequested(request) : ctx.body().buffer();
        exchange.upstreamStarted();
        upstream.open(endpoint, API_PATH, exchange.requestId()).onComplete(opened -> {
            exchange.upstreamConnected(opened.succeeded());
            if (opened.failed()) {
                upstreamFailed(ctx, exchange, endpoint, opened.cause());
                return;
            }
            HttpClientRequest upstreamRequest = opened.result();
            ctx.response().closeHandler(v -> clientGone(ctx.response(), exchange, upstreamRequest));
            UpstreamClient.send(upstreamRequest, body).onComplete(answered -> {
                if (answered.failed()) {
                    upstreamFailed(ctx, exchange, endpoint, answered.cause());
                } else if (request.stream() && isEventStream(answered.result())) {
                    stream(ctx, exchange, request, answered.result());
                } else {
                    relayWhole(ctx, exchange, request, answered.result());
                }
            });
        });
    }

    /** A non-streaming answer, or any answer that is not an event stream (such as an upstream error). */
    private void relayWhole(RoutingContext ctx, Exchange exchange, ChatRequest request, HttpClientResponse answer) {
        answer.body().onComplete(read -> {
            if (read.failed()) {
                upstreamFailed(ctx, exchange, null, read.cause());
                return;
            }
            Buffer body = read.result();
            int status = answer.statusCode();
            TokenUsage usage = status == 200 ? usageOf(body, request, exchange) : TokenUsage.NONE;
            HttpServerResponse response = ctx.response().setStatusCode(status)
                    .putHeader("content-type", contentType(answer));
            response.end(body);
            exchange.finish(statusOf(status), status, status >= 400 ? "upstream_" + status : null, usage);
        });
    }

    private void stream(RoutingContext ctx, Exchange exchange, ChatRequest request, HttpClientResponse answer) {
        HttpServerResponse response = ctx.response().setStatusCode(200).setChunked(true)
                .putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
        SseRelay relay = new SseRelay(request.includeUsage(), exchange::firstToken);
        answer.handler(chunk -> {
            Buffer out = relay.accept(chunk);
            if (out.length() > 0 && !response.closed()) {
                response.write(out);
                if (response.writeQueueFull()) {
                    answer.pause();
                    response.drainHandler(v -> answer.resume());
                }
            }
        });
        answer.exceptionHandler(error -> {
            LOG.warnf("upstream stream broke request_id=%s reason=%s", exchange.requestId(), error.getMessage());
            response.reset();
            exchange.answered(relay.finishReason(), () -> relay.completion().toString());
            exchange.finish(RequestStatus.UPSTREAM_ERROR, 200, ErrorCode.UPSTREAM_PROTOCOL_ERROR.code(),
                    usageOf(relay, request));
        });
        answer.endHandler(v -> {
            if (!response.closed()) {
                response.end(relay.remainder());
            }
            boolean complete = relay.complete();
            exchange.answered(relay.finishReason(), () -> relay.completion().toString());
            exchange.finish(complete ? RequestStatus.OK : RequestStatus.UPSTREAM_ERROR, 200,
                    complete ? null : ErrorCode.UPSTREAM_PROTOCOL_ERROR.code(), usageOf(relay, request));
        });
    }

    /**
     * The client connection closed. That is a cancellation only while the answer is still being written: a
     * connection may also close as part of ending a complete response, which must still count as answered.
     */
    private void clientGone(HttpServerResponse response, Exchange exchange, HttpClientRequest upstreamRequest) {
        if (!response.ended() && !exchange.isFinished()) {
            upstreamRequest.reset();
            exchange.finish(RequestStatus.CANCELLED, CLIENT_CLOSED, "client_closed", TokenUsage.NONE);
        }
    }

    private void upstreamFailed(RoutingContext ctx, Exchange exchange, Endpoint endpoint, Throwable cause) {
        boolean timeout = cause instanceof TimeoutException
                || (cause.getMessage() != null && cause.getMessage().contains("timeout"));
        ErrorCode code = timeout ? ErrorCode.UPSTREAM_TIMEOUT : ErrorCode.UPSTREAM_UNAVAILABLE;
        LOG.warnf("upstream failed request_id=%s endpoint=%s code=%s reason=%s", exchange.requestId(),
                endpoint == null ? "-" : endpoint.id(), code.code(), cause.getMessage());
        OpenAiError error = OpenAiError.of(code, timeout ? "The model endpoint did not answer in time."
                : "The model endpoint could not be reached. Retry the request.");
        if (ctx.response().headWritten()) {
            ctx.response().reset();
        } else {
            error.send(ctx.response());
        }
        exchange.fail(error, RequestStatus.UPSTREAM_ERROR);
    }

    private static void reject(RoutingContext ctx, Exchange exchange, OpenAiError error, RequestStatus status) {
        error.send(ctx.response());
        exchange.fail(error, status);
    }

    /** Asks the upstream for the final usage chunk, so billing uses the model's own counts. */
    private static Buffer withUsageRequested(ChatRequest request) {
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

    private static TokenUsage usageOf(Buffer body, ChatRequest request, Exchange exchange) {
        try {
            JsonNode answer = RequestParser.MAPPER.readTree(body.getBytes());
            JsonNode reason = answer.path("choices").path(0).path("finish_reason");
            exchange.answered(reason.isTextual() ? reason.asText() : null, () -> {
                StringBuilder output = new StringBuilder();
                answer.path("choices").forEach(c -> output.append(c.path("message").path("content").asText("")));
                return output.toString();
            });
            TokenUsage usage = UsageParser.fromResponse(answer);
            if (usage != null) {
                return usage;
            }
            StringBuilder text = new StringBuilder();
            answer.path("choices").forEach(c -> text.append(c.path("message").path("content").asText("")));
            return TokenEstimator.estimate(request.body().get("messages"), text);
        } catch (IOException notJson) {
            return TokenEstimator.estimate(request.body().get("messages"), "");
        }
    }

    private static TokenUsage usageOf(SseRelay relay, ChatRequest request) {
        TokenUsage reported = relay.usage();
        return reported != null ? reported : TokenEstimator.estimate(request.body().get("messages"), relay.completion());
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
