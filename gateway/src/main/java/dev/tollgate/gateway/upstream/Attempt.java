package dev.tollgate.gateway.upstream;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.gateway.openai.OpenAiError;
import dev.tollgate.gateway.openai.TokenEstimator;
import dev.tollgate.gateway.openai.TokenUsage;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.Lease;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import org.jboss.logging.Logger;

/**
 * One attempt of a request on one endpoint: send, then relay what comes back to the client, whole or as a
 * stream, and end the request. An attempt fails when the connection fails, its time runs out, the endpoint
 * answers 5xx, or its response breaks; the request then retries on another endpoint while the client has seen
 * nothing ({@link UpstreamCall.Call#next}), and otherwise ends with this attempt's failure.
 *
 * <p>Exactly one outcome wins ({@link #settle}); later callbacks are ignored. Whatever way it ends, the attempt
 * settles its lease, so the endpoint's outstanding count and breaker stay right. Runs on the request's event
 * loop only, hence no locking.
 */
final class Attempt {

    private static final Logger LOG = Logger.getLogger(Attempt.class);

    /** Why an attempt failed. */
    enum Failure { CONNECT, TIMEOUT, SERVER_ERROR, BROKEN_RESPONSE }

    private final UpstreamCall.Call call;
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

    Attempt(UpstreamCall.Call call, Lease lease, int number) {
        this.call = call;
        this.lease = lease;
        this.number = number;
        this.endpoint = lease.endpoint();
    }

    void start() {
        timer = call.vertx().setTimer(call.timeoutMs, id -> {
            timer = -1;
            fail(Failure.TIMEOUT, "no complete answer within " + call.timeoutMs + " ms");
        });
        call.client().open(endpoint, call.request.api().path(), call.exchange.requestId(),
                call.exchange.trace().traceparent()).onComplete(opened -> {
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
            send(answer.statusCode(), answer, read.result());
        });
    }

    /**
     * Sends a whole answer to the client as the endpoint gave it, and ends the request. The usage is counted and its
     * event journaled just before the answer is written (a few microseconds), the rest of the bookkeeping after it:
     * a complete answer always has its usage event on disk.
     */
    private void send(int status, HttpClientResponse answer, Buffer answerBody) {
        HttpServerResponse response = call.ctx.response();
        TokenUsage usage = status == 200 ? AnswerUsage.ofWhole(answerBody, call.request, call.exchange)
                : TokenUsage.NONE;
        String type = contentType(answer);
        if (status == 200) {
            call.exchange.answerTap().wholeAnswered(type, answerBody, usage);
        }
        call.exchange.finish(statusOf(status), status, status >= 400 ? "upstream_" + status : null, usage, () -> {
            if (!response.closed()) {
                response.setStatusCode(status).putHeader("content-type", type).end(answerBody);
            }
        });
    }

    /** Relays an event stream event by event, with the client's backpressure reaching the endpoint. */
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
                call.exchange.answerTap().streamed(out);
                if (response.writeQueueFull()) {
                    answer.pause();
                    response.drainHandler(v -> answer.resume());
                }
            }
        });
        answer.exceptionHandler(error -> fail(Failure.BROKEN_RESPONSE, error.getMessage()));
        answer.endHandler(v -> streamEnded(response));
    }

    private void streamEnded(HttpServerResponse response) {
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
        SseRelay done = relay;
        call.exchange.answered(done.finishReason(), done.model(), done::content);
        TokenUsage usage = AnswerUsage.ofStream(done, call.request);
        // The relay held back [DONE]: it goes out with the end of the stream, after the usage event was journaled.
        call.exchange.finish(complete ? RequestStatus.OK : RequestStatus.UPSTREAM_ERROR, 200,
                complete ? null : ErrorCode.UPSTREAM_PROTOCOL_ERROR.code(), usage,
                () -> {
                    if (!response.closed()) {
                        if (!response.headWritten()) {
                            response.setStatusCode(200).setChunked(true).putHeader("content-type",
                                    "text/event-stream");
                        }
                        Buffer remainder = done.remainder();
                        if (complete) {
                            call.exchange.answerTap().streamCompleted(remainder, usage);
                        }
                        response.end(remainder);
                    }
                });
    }

    /** Marks the attempt over; false when another outcome already won. */
    private boolean settle() {
        if (settled) {
            return false;
        }
        settled = true;
        if (timer != -1) {
            call.vertx().cancelTimer(timer);
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
                + "reason=%s", call.exchange.requestId(), endpoint.id(), number, kind, clientSawBytes, why);
        if (call.exchange.isFinished()) {
            return;
        }
        if (call.mayRetry(number, clientSawBytes)) {
            call.next(this);
        } else {
            giveUp();
        }
    }

    /**
     * Cancels the attempt because the client left; the endpoint is not to blame.
     *
     * @return what the endpoint had been asked to do by then, to bill: nothing while the request had not gone
     *         out; once it had, its prompt; for a stream, also the completion relayed so far (the reported usage
     *         when its chunk had already arrived). Estimated otherwise: the endpoint reports usage only at the
     *         end, which the reset below prevents. Billing nothing would let a client read a stream to its last
     *         chunk, close the connection, and pay for none of it.
     */
    TokenUsage abandon() {
        TokenUsage used = TokenUsage.NONE;
        if (relay != null) {
            SseRelay partial = relay;
            call.exchange.answered(partial.finishReason(), partial.model(), partial::content);
            used = AnswerUsage.ofStream(partial, call.request);
        } else if (upstreamRequest != null) {
            used = TokenEstimator.estimate(call.request, "");
        }
        if (settle()) {
            lease.abandoned();
            if (upstreamRequest != null) {
                upstreamRequest.reset();
            }
        }
        return used;
    }

    /** Ends the request with this attempt's failure, as the last word the client gets. */
    void giveUp() {
        HttpServerResponse response = call.ctx.response();
        if (response.headWritten()) {
            response.reset();
            ErrorCode code = failure == Failure.TIMEOUT ? ErrorCode.UPSTREAM_TIMEOUT
                    : ErrorCode.UPSTREAM_PROTOCOL_ERROR;
            SseRelay broken = relay;
            if (broken != null) {
                call.exchange.answered(broken.finishReason(), broken.model(), broken::content);
            }
            call.exchange.finish(RequestStatus.UPSTREAM_ERROR, 200, code.code(),
                    broken == null ? TokenUsage.NONE : AnswerUsage.ofStream(broken, call.request));
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
