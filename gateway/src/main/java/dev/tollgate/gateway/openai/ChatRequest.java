package dev.tollgate.gateway.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A validated {@code /v1/chat/completions} request: the fields the gateway acts on, and the parsed body that
 * is passed through to the endpoint.
 *
 * @param body          the whole request as sent, every field preserved
 * @param model         the model asked for
 * @param stream        whether the client wants server-sent events
 * @param includeUsage  whether the client itself asked for the final usage chunk
 * @param maxTokens     {@code max_completion_tokens} or {@code max_tokens}, or null
 * @param user          the OpenAI {@code user} field, or null
 * @param messageCount  number of messages
 */
public record ChatRequest(ObjectNode body, String model, boolean stream, boolean includeUsage, Long maxTokens,
                          String user, int messageCount) {
}
