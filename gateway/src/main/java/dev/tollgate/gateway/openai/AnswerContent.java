package dev.tollgate.gateway.openai;

import java.util.List;

/**
 * What an answer said, for content capture: the text of its choices and the tools it called. Built only when
 * someone asks for it (an org with capture on, an eval run), never on the way to the client.
 *
 * @param text      the generated text of every choice, joined; empty when there is none
 * @param toolCalls the tools the answer called, in order
 */
public record AnswerContent(String text, List<ToolCall> toolCalls) {

    /** Nothing was generated. */
    public static final AnswerContent NONE = new AnswerContent(null, List.of());

    public AnswerContent {
        toolCalls = List.copyOf(toolCalls);
    }

    /** Text only, no tool call. */
    public static AnswerContent text(String text) {
        return new AnswerContent(text, List.of());
    }

    /**
     * One tool call of an answer.
     *
     * @param name      the function called
     * @param arguments its arguments as the model wrote them (JSON text), or null
     */
    public record ToolCall(String name, String arguments) {
    }
}
