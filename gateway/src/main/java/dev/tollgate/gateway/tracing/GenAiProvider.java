package dev.tollgate.gateway.tracing;

import dev.tollgate.gateway.routing.Endpoint;
import java.util.Locale;

/**
 * The {@code gen_ai.provider.name} of an endpoint: the semantic conventions' well-known name of a hosted provider
 * recognised by its API host, else {@value #SELF_HOSTED}, since Tollgate's endpoints are vLLM servers unless they are
 * one of those. The attribute says which provider's conventions the span follows, not where the weights came from.
 */
final class GenAiProvider {

    /** Any endpoint that is not a known hosted provider: a vLLM server, or a server speaking its API. */
    static final String SELF_HOSTED = "vllm";

    private GenAiProvider() {
    }

    /** The provider of {@code endpoint}; {@value #SELF_HOSTED} when the request reached none. */
    static String of(Endpoint endpoint) {
        if (endpoint == null) {
            return SELF_HOSTED;
        }
        String host = endpoint.base().getHost().toLowerCase(Locale.ROOT);
        return switch (host) {
            case "api.openai.com" -> "openai";
            case "api.anthropic.com" -> "anthropic";
            case "generativelanguage.googleapis.com" -> "gcp.gemini";
            case "api.mistral.ai" -> "mistral_ai";
            case "api.deepseek.com" -> "deepseek";
            case "api.groq.com" -> "groq";
            case "api.x.ai" -> "x_ai";
            case "api.perplexity.ai" -> "perplexity";
            default -> host.endsWith(".openai.azure.com") ? "azure.ai.openai" : SELF_HOSTED;
        };
    }
}
