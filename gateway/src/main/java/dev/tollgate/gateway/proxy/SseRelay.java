package dev.tollgate.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.gateway.events.TokenUsage;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Relays an upstream server-sent-event stream to the client event by event, with no buffering beyond the
 * event being read. On the way it notes the first token, collects the generated text (for estimation when no
 * usage arrives) and takes the usage chunk; that chunk is dropped when the gateway injected
 * {@code stream_options.include_usage} and the client did not ask for it.
 *
 * <p>Not thread-safe: one relay serves one stream on one event loop.
 */
final class SseRelay {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DONE = "[DONE]";

    private final boolean forwardUsageChunk;
    private final Runnable onFirstToken;
    private final StringBuilder completion = new StringBuilder();
    private byte[] pending = new byte[0];
    private TokenUsage usage;
    private String finishReason;
    private boolean sawToken;
    private boolean sawDone;

    SseRelay(boolean forwardUsageChunk, Runnable onFirstToken) {
        this.forwardUsageChunk = forwardUsageChunk;
        this.onFirstToken = onFirstToken;
    }

    /** Takes a chunk as it arrived; returns the bytes to send the client now (possibly none). */
    Buffer accept(Buffer chunk) {
        byte[] bytes = concat(pending, chunk.getBytes());
        Buffer out = Buffer.buffer(bytes.length);
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n' && endsEvent(bytes, i)) {
                relayEvent(bytes, start, i + 1, out);
                start = i + 1;
            }
        }
        pending = start == 0 ? bytes : java.util.Arrays.copyOfRange(bytes, start, bytes.length);
        return out;
    }

    /** Whatever the upstream sent after its last complete event; forwarded as is when the stream ends. */
    Buffer remainder() {
        Buffer out = Buffer.buffer(pending);
        pending = new byte[0];
        return out;
    }

    /** The usage the upstream reported, or null. */
    TokenUsage usage() {
        return usage;
    }

    /** The text generated so far, for estimating completion tokens. */
    CharSequence completion() {
        return completion;
    }

    String finishReason() {
        return finishReason;
    }

    /** Whether the upstream finished the stream with {@code data: [DONE]}. */
    boolean complete() {
        return sawDone;
    }

    private void relayEvent(byte[] bytes, int from, int to, Buffer out) {
        String data = dataOf(new String(bytes, from, to - from, StandardCharsets.UTF_8));
        if (data == null) {
            out.appendBytes(bytes, from, to - from);
            return;
        }
        if (data.equals(DONE)) {
            sawDone = true;
            out.appendBytes(bytes, from, to - from);
            return;
        }
        JsonNode chunk;
        try {
            chunk = JSON.readTree(data);
        } catch (IOException notJson) {
            out.appendBytes(bytes, from, to - from);
            return;
        }
        TokenUsage reported = UsageParser.fromResponse(chunk);
        if (reported != null) {
            usage = reported;
        }
        JsonNode choices = chunk.path("choices");
        boolean usageOnly = reported != null && choices.isArray() && choices.isEmpty();
        noteChoices(choices);
        if (!usageOnly || forwardUsageChunk) {
            out.appendBytes(bytes, from, to - from);
        }
    }

    private void noteChoices(JsonNode choices) {
        for (JsonNode choice : choices) {
            JsonNode text = choice.path("delta").path("content");
            if (text.isMissingNode() || text.isNull()) {
                text = choice.path("text");
            }
            if (text.isTextual() && !text.asText().isEmpty()) {
                completion.append(text.asText());
                if (!sawToken) {
                    sawToken = true;
                    onFirstToken.run();
                }
            }
            JsonNode reason = choice.path("finish_reason");
            if (reason.isTextual()) {
                finishReason = reason.asText();
            }
        }
    }

    /** The payload of an event's {@code data:} lines, joined by newlines; null when it has none. */
    private static String dataOf(String event) {
        StringBuilder data = null;
        for (String line : event.split("\r?\n")) {
            if (line.startsWith("data:")) {
                String value = line.length() > 5 && line.charAt(5) == ' ' ? line.substring(6) : line.substring(5);
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            }
        }
        return data == null ? null : data.toString().trim();
    }

    /** Whether the newline at {@code i} closes an event: it follows another newline (LF LF or CRLF CRLF). */
    private static boolean endsEvent(byte[] b, int i) {
        return (i >= 1 && b[i - 1] == '\n') || (i >= 2 && b[i - 1] == '\r' && b[i - 2] == '\n');
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (a.length == 0) {
            return b;
        }
        byte[] joined = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
