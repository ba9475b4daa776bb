package dev.tollgate.gateway.exchange;

import dev.tollgate.gateway.openai.TokenUsage;
import io.vertx.core.buffer.Buffer;

/**
 * Sees an answer as the upstream side relays it to the client, so that a feature above the proxy (the response
 * cache) can keep it without the upstream side knowing that feature. Called on the request's event loop; must not
 * block. Only answers that ended well are completed: an interrupted or failed answer never reaches
 * {@link #wholeAnswered} or {@link #streamCompleted}, so whatever was collected is simply dropped with the exchange.
 */
public interface AnswerTap {

    /** Sees nothing. */
    AnswerTap NONE = new AnswerTap() {
    };

    /** A whole (non-streaming) answer with status 200, exactly as the client receives it. */
    default void wholeAnswered(String contentType, Buffer body, TokenUsage usage) {
    }

    /** Bytes of a stream as they are written to the client. */
    default void streamed(Buffer bytes) {
    }

    /** The stream ended with {@code data: [DONE]}; {@code remainder} is its last bytes. */
    default void streamCompleted(Buffer remainder, TokenUsage usage) {
    }
}
