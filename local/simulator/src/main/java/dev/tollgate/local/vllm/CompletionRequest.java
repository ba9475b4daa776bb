package dev.tollgate.local.vllm;

import java.util.List;

/**
 * A validated chat or text completion request: only the fields the simulator acts on.
 *
 * @param chat true for {@code /v1/chat/completions}, false for {@code /v1/completions}
 * @param model the served name the request used (echoed back as {@code model})
 * @param stream whether the answer is a server-sent event stream
 * @param includeUsage {@code stream_options.include_usage}: add the final usage chunk
 * @param n choices per prompt
 * @param maxTokens the output cap ({@code max_completion_tokens}, else {@code max_tokens}), or null when not given
 * @param seed the sampling seed, or null when not given
 * @param promptTokens estimated tokens of each prompt: one for chat, one or more for a batched completion
 * @param jsonObject {@code response_format.type} is {@code json_object} (chat only)
 * @param promptHash a hash of the messages when {@code jsonObject}, so that a judge's score follows what it judges;
 *                   0 otherwise
 */
record CompletionRequest(
        boolean chat,
        String model,
        boolean stream,
        boolean includeUsage,
        int n,
        Integer maxTokens,
        Long seed,
        List<Integer> promptTokens,
        boolean jsonObject,
        long promptHash) {

    /** Choices in the answer: {@code n} for each prompt. */
    int choices() {
        return n * promptTokens.size();
    }

    int totalPromptTokens() {
        int sum = 0;
        for (int tokens : promptTokens) {
            sum += tokens;
        }
        return sum;
    }
}
