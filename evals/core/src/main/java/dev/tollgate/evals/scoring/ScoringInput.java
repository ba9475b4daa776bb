package dev.tollgate.evals.scoring;

import java.util.List;

/**
 * What a request gives an evaluator to score: what was asked, what came back, and what should have come back.
 *
 * @param inputMessages the chat messages sent (role, content)
 * @param output        the answer's text, or null when it had none (a pure tool call)
 * @param toolCalls     the tools the answer called, in order
 * @param reference     the reference output (a dataset example's, or an evaluator's fixed one), or null
 */
public record ScoringInput(List<Message> inputMessages, String output, List<ToolCall> toolCalls, String reference) {

    public ScoringInput {
        inputMessages = List.copyOf(inputMessages);
        toolCalls = List.copyOf(toolCalls);
    }

    /** The same input compared with {@code newReference}. */
    public ScoringInput withReference(String newReference) {
        return new ScoringInput(inputMessages, output, toolCalls, newReference);
    }

    /**
     * One chat message.
     *
     * @param role    system, user, assistant, tool
     * @param content its text, or null
     */
    public record Message(String role, String content) {
    }

    /**
     * One tool call of the answer.
     *
     * @param name      the function called
     * @param arguments its arguments as the model wrote them, or null
     */
    public record ToolCall(String name, String arguments) {
    }
}
