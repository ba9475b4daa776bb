package dev.tollgate.local.vllm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.local.vllm.FailureInjector.Fault;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions}: validates, draws the fault, plans the output
 * and hands the request to a {@link Generation}.
 *
 * <p>Output length: {@code x-sim-output-tokens} or the configured {@code outputTokens}, cut by {@code max_tokens}
 * and by the room left in the context ({@code maxModelLen} minus the longest prompt); a cut gives
 * {@code finish_reason: length}. The words come from the request's {@code seed}, else the configured seed mixed with
 * the model's name. A chat request for a JSON object answers with a judge's object ({@link TextGenerator#token}).
 */
final class CompletionsHandler {

    /** The most tokens one answer may hold across its choices, so that a test typo cannot exhaust the heap. */
    static final long MAX_ANSWER_TOKENS = 1L << 24;

    private final SimulatorRuntime runtime;

    CompletionsHandler(SimulatorRuntime runtime) {
        this.runtime = runtime;
    }

    void handle(HttpServerRequest request, JsonNode body, boolean chat) {
        SimulatorConfig config = runtime.config();
        CompletionRequest completion = chat ? RequestParser.chat(body, config) : RequestParser.completion(body, config);
        Overrides overrides = Overrides.from(request.headers());
        Generation.Plan plan = plan(config, completion, overrides);
        Fault fault = FaultGate.draw(runtime, config, overrides, completion.stream());
        if (FaultGate.intercept(request, fault, config, overrides, completion.stream())) {
            return;
        }
        if (fault == Fault.DROP_MID_STREAM) {
            plan = plan.droppingMidStream();
        }
        CompletionJson.Head head = new CompletionJson.Head(
                Ids.completionId(chat ? "chatcmpl-" : "cmpl-", request.getHeader("x-request-id")),
                completion.model(), System.currentTimeMillis() / 1000, chat, completion.includeUsage());
        new Generation(runtime, Vertx.currentContext(), request, completion, plan, head).begin();
    }

    static Generation.Plan plan(SimulatorConfig config, CompletionRequest completion, Overrides overrides) {
        int natural = overrides.outputTokens() != null ? overrides.outputTokens() : config.outputTokens();
        int longestPrompt = 0;
        for (int prompt : completion.promptTokens()) {
            longestPrompt = Math.max(longestPrompt, prompt);
        }
        int cap = config.maxModelLen() - longestPrompt;
        if (completion.maxTokens() != null) {
            cap = Math.min(cap, completion.maxTokens());
        }
        int tokens = Math.min(natural, cap);
        if ((long) tokens * completion.choices() > MAX_ANSWER_TOKENS) {
            throw ApiException.badRequest("The simulator caps one answer at " + MAX_ANSWER_TOKENS + " tokens; this "
                    + "request asks for " + (long) tokens * completion.choices() + ".", "n");
        }
        FinishReason finish = natural > cap ? FinishReason.LENGTH : FinishReason.STOP;
        long ttft = overrides.ttftMs() != null ? overrides.ttftMs() : config.timeToFirstToken().toMillis();
        long itl = overrides.itlMs() != null ? overrides.itlMs() : config.interTokenLatency().toMillis();
        long textSeed = completion.seed() != null ? completion.seed() : config.seed() ^ modelSeed(completion.model())
                ^ (completion.jsonObject() ? FailureInjector.mix(completion.promptHash()) : 0);
        return new Generation.Plan(tokens, finish, ttft, itl, textSeed, -1, completion.jsonObject());
    }

    /** Mixed into the default seed, so that two served models answer the same prompt differently, as two models do. */
    static long modelSeed(String model) {
        return FailureInjector.mix(model.hashCode());
    }
}
