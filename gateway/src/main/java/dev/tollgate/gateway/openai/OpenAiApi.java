package dev.tollgate.gateway.openai;

/**
 * The OpenAI-compatible APIs the gateway proxies. Each request kind travels the same pipeline (auth, limits,
 * validation, rate limits, routing, relay, events); this enum holds the few facts in which they differ, so no
 * step needs a switch on the path.
 */
public enum OpenAiApi {
    /** {@code POST /v1/chat/completions}: messages in, a chat completion (or chunks) out. */
    CHAT_COMPLETIONS("/v1/chat/completions", "chat.completions", "chat", true),
    /** {@code POST /v1/completions}: the legacy text completions, a prompt in, text out. */
    COMPLETIONS("/v1/completions", "completions", "text_completion", true),
    /** {@code POST /v1/embeddings}: input in, vectors out; never streamed and never generates tokens. */
    EMBEDDINGS("/v1/embeddings", "embeddings", "embeddings", false);

    private final String path;
    private final String operation;
    private final String genAiOperation;
    private final boolean streams;

    OpenAiApi(String path, String operation, String genAiOperation, boolean streams) {
        this.path = path;
        this.operation = operation;
        this.genAiOperation = genAiOperation;
        this.streams = streams;
    }

    /** The request path, identical on the gateway and on the upstream. */
    public String path() {
        return path;
    }

    /** The name recorded as {@code RequestEvent.api}, e.g. {@code chat.completions}. */
    public String operation() {
        return operation;
    }

    /** The OpenTelemetry GenAI {@code gen_ai.operation.name}: {@code chat}, {@code text_completion}, {@code embeddings}. */
    public String genAiOperation() {
        return genAiOperation;
    }

    /** Whether {@code stream: true} is accepted; an embeddings request asking for it is a 400. */
    public boolean streams() {
        return streams;
    }
}
