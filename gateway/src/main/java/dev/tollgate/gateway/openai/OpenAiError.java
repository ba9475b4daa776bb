package dev.tollgate.gateway.openai;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * An error in the OpenAI shape {@code {"error":{"message","type","param","code"}}}, which every OpenAI SDK
 * parses into its own exception types. The message is for people; the code is for programs.
 *
 * @param code    what went wrong
 * @param message a human-readable explanation; never contains a key or prompt content
 * @param param   the request field at fault, or null
 */
public record OpenAiError(ErrorCode code, String message, String param) {

    public static OpenAiError of(ErrorCode code, String message) {
        return new OpenAiError(code, message, null);
    }

    /** The JSON body. */
    public Buffer body() {
        JsonObject error = new JsonObject().put("message", message).put("type", code.type())
                .put("param", param).put("code", code.code());
        return new JsonObject().put("error", error).toBuffer();
    }

    /** Writes this error as the whole response, unless a response has already started. */
    public void send(HttpServerResponse response) {
        if (response.headWritten() || response.closed()) {
            return;
        }
        response.setStatusCode(code.status()).putHeader("content-type", "application/json").end(body());
    }
}
