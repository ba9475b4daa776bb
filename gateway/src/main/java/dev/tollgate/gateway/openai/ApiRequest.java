package dev.tollgate.gateway.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A validated request of one of the {@link OpenAiApi}s: the fields the gateway acts on, and the parsed body
 * that is passed through to the endpoint unchanged (except for {@code stream_options.include_usage}).
 *
 * @param api           which API the request was sent to
 * @param body          the whole request as sent, every field preserved
 * @param model         the model asked for
 * @param stream        whether the client wants server-sent events; always false for embeddings
 * @param includeUsage  whether the client itself asked for the final usage chunk
 * @param maxTokens     {@code max_completion_tokens} or {@code max_tokens}, or null (always null for embeddings)
 * @param user          the OpenAI {@code user} field, or null
 * @param messageCount  number of chat messages, or of prompts / inputs for completions and embeddings
 */
public record ApiRequest(OpenAiApi api, ObjectNode body, String model, boolean stream, boolean includeUsage,
                         Long maxTokens, String user, int messageCount) {

    /** The field holding the prompt: {@code messages}, {@code prompt} or {@code input}. */
    public String promptField() {
        return switch (api) {
            case CHAT_COMPLETIONS -> "messages";
            case COMPLETIONS -> "prompt";
            case EMBEDDINGS -> "input";
        };
    }

    /** How many choices the request asks for ({@code n}), at least 1: the worst case generates that many answers. */
    public int choices() {
        return body.path("n").isIntegralNumber() ? Math.max(1, body.path("n").asInt()) : 1;
    }

    /**
     * The most tokens the request may generate: its {@code max_completion_tokens} or {@code max_tokens}, else
     * {@code defaultMaxTokens}, times {@link #choices()}; 0 for embeddings, which generate nothing. The rate-limit
     * and the budget gates both reserve for this worst case, so it is computed in one place.
     *
     * @throws ArithmeticException when the product does not fit a long
     */
    public long maxOutputTokens(long defaultMaxTokens) {
        if (api == OpenAiApi.EMBEDDINGS) {
            return 0;
        }
        return Math.multiplyExact(maxTokens != null ? maxTokens : defaultMaxTokens, (long) choices());
    }
}
