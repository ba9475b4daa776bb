package dev.tollgate.local.vllm;

/** Why a choice stopped, as the {@code finish_reason} string of the OpenAI API. */
enum FinishReason {
    /** The simulated model reached its natural end ({@link SimulatorConfig#outputTokens()}). */
    STOP("stop"),
    /** {@code max_tokens} or the context length cut the output. */
    LENGTH("length");

    private final String wire;

    FinishReason(String wire) {
        this.wire = wire;
    }

    String wire() {
        return wire;
    }
}
