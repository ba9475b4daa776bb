package dev.tollgate.local.vllm;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * One admitted completion request from admission to its last byte, on its own event loop.
 *
 * <p>Time is simulated with Vert.x timers only: a non-streaming answer is one timer of
 * {@code ttft + (tokens - 1) * itl}; a stream emits the first token at {@code ttft} and each next one {@code itl}
 * later. With a zero inter-token latency all remaining events go out in one write, which keeps the simulator cheap
 * under benchmark load. If the client goes away, the pending timer is cancelled and the admission slot freed, exactly
 * once. All fields are touched only on {@link #context}.
 */
final class Generation implements AdmissionQueue.Waiter {

    private final SimulatorRuntime runtime;
    private final Context context;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final CompletionRequest completion;
    private final Plan plan;
    private final CompletionJson.Head head;

    private boolean admitted;
    private boolean finished;
    private boolean closed;
    private long timer = -1;
    private int position;

    /**
     * What to generate, fixed before admission.
     *
     * @param tokens output tokens of every choice
     * @param finish finish reason of every choice
     * @param ttftMs time to first token
     * @param itlMs inter-token latency
     * @param textSeed seed of the generated words
     * @param dropAfter for a stream, close the connection after this many token positions; -1 never
     * @param jsonObject answer with a judge's JSON object ({@link TextGenerator#token}), as asked by
     *                   {@code response_format: {"type": "json_object"}}
     */
    record Plan(int tokens, FinishReason finish, long ttftMs, long itlMs, long textSeed, int dropAfter,
                boolean jsonObject) {

        /** The same plan, closing the connection after about half of the token positions (at least one). */
        Plan droppingMidStream() {
            return new Plan(tokens, finish, ttftMs, itlMs, textSeed, Math.max(1, tokens / 2), jsonObject);
        }
    }

    Generation(SimulatorRuntime runtime, Context context, HttpServerRequest request, CompletionRequest completion,
            Plan plan, CompletionJson.Head head) {
        this.runtime = runtime;
        this.context = context;
        this.request = request;
        this.response = request.response();
        this.completion = completion;
        this.plan = plan;
        this.head = head;
    }

    /** Starts the exchange: a stream sends its headers at once (as vLLM does), then waits for a slot. */
    void begin() {
        response.closeHandler(v -> onClose());
        if (completion.stream()) {
            response.setChunked(true);
            response.headers().set(HttpHeaders.CONTENT_TYPE, Responses.EVENT_STREAM);
            response.writeHead();
        }
        runtime.admission().submit(this);
    }

    @Override
    public Context context() {
        return context;
    }

    @Override
    public void admitted() {
        if (closed) {
            runtime.admission().release();
            return;
        }
        admitted = true;
        runtime.metrics().promptTokens(completion.totalPromptTokens());
        long firstDelay = plan.ttftMs();
        if (!completion.stream()) {
            firstDelay += (plan.tokens() - 1) * plan.itlMs();
            schedule(firstDelay, this::answer);
        } else {
            schedule(firstDelay, this::emit);
        }
    }

    private void schedule(long delayMs, Runnable action) {
        if (delayMs <= 0) {
            action.run();
        } else {
            timer = runtime.vertx().setTimer(delayMs, id -> {
                timer = -1;
                action.run();
            });
        }
    }

    private void answer() {
        int choices = completion.choices();
        Buffer body = CompletionJson.completion(head, choices, plan.tokens(), plan.finish(), plan.textSeed(), plan.jsonObject(),
                completion.totalPromptTokens());
        runtime.metrics().generationTokens((long) choices * plan.tokens());
        complete();
        Responses.json(response, 200, body);
    }

    /** Writes the events of the next token position, or of all remaining ones when there is no inter-token delay. */
    private void emit() {
        if (closed) {
            return;
        }
        int choices = completion.choices();
        Buffer out = Buffer.buffer(512);
        do {
            CompletionJson.tokenEvents(out, head, choices, position, plan.tokens(), plan.finish(), plan.textSeed(),
                    plan.jsonObject());
            position++;
            runtime.metrics().generationTokens(choices);
            if (position == plan.dropAfter()) {
                response.write(out);
                drop();
                return;
            }
        } while (position < plan.tokens() && plan.itlMs() == 0);
        if (position < plan.tokens()) {
            response.write(out);
            schedule(plan.itlMs(), this::emit);
            return;
        }
        CompletionJson.streamEnd(out, head, completion.totalPromptTokens(), choices * plan.tokens());
        complete();
        response.end(out);
    }

    private void complete() {
        finished = true;
        runtime.metrics().success(plan.finish());
        runtime.admission().release();
    }

    private void drop() {
        finished = true;
        runtime.admission().release();
        request.connection().close();
    }

    private void onClose() {
        if (closed || finished) {
            return;
        }
        closed = true;
        if (timer >= 0) {
            runtime.vertx().cancelTimer(timer);
            timer = -1;
        }
        if (admitted) {
            finished = true;
            runtime.admission().release();
        } else {
            runtime.admission().cancel(this);
        }
    }
}
