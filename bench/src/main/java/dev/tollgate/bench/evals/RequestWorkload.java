package dev.tollgate.bench.evals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import dev.tollgate.events.v1.CapturedContent;
import dev.tollgate.events.v1.CapturedMessage;
import dev.tollgate.events.v1.CapturedToolCall;
import dev.tollgate.events.v1.RequestEvent;
import dev.tollgate.events.v1.RequestParams;
import dev.tollgate.events.v1.RequestStatus;

/**
 * Answered chat completions with captured content, as the gateway publishes them on {@code tollgate.requests.v1}
 * for orgs with capture on; deterministic for a seed. The mix is what the five benchmark evaluators
 * ({@link BenchEvaluators}) have to chew on:
 * <ul>
 *   <li>{@value #PROSE_PERCENT} %: prose answers of 40 to 300 words, some polite, some with an e-mail address in
 *       them, a few the fixed refusal that the exact-match evaluator looks for;</li>
 *   <li>{@value #JSON_PERCENT} %: JSON answers ({@code response_format} json_object), most valid against the
 *       benchmark's schema, some missing a field or out of range, a few cut off mid-object;</li>
 *   <li>the rest: tool calls with JSON arguments and no text.</li>
 * </ul>
 * The input is a system prompt (one of a few, 40 to 60 words) and a user message of 10 to 120 words; a third of the
 * conversations have an earlier turn. Every event sets its tags map and its params (Avro's {@code new RequestEvent()}
 * leaves a map null, which the serializer refuses).
 */
final class RequestWorkload {

    static final int PROSE_PERCENT = 55;
    static final int JSON_PERCENT = 25;
    /** The answer the exact-match evaluator expects (a refusal), given by about 2 % of prose answers. */
    static final String REFUSAL = "I'm sorry, but I can't help with that request.";

    private static final String[] WORDS = ("the a to of and in for is on that with as it be by this are from at or "
            + "an your can will if we you not our more which their has have was about when what how use data model "
            + "request budget account invoice order delivery customer report service team project support access "
            + "update change setting policy payment refund shipment schedule meeting summary issue ticket error "
            + "network server latency cache query result answer question example detail reason option feature "
            + "release version plan price region window stream event record topic partition offset consumer "
            + "quickly carefully usually clearly first next then finally also however because therefore").split(" ");
    private static final String[] SYSTEM_PROMPTS = {
        "You are a helpful support assistant for an online store. Answer the customer's question politely and "
            + "concisely, using only the order and account details you are given. If you do not know, say so and "
            + "offer to open a ticket.",
        "You are an internal knowledge assistant. Answer engineers' questions about the platform's services, "
            + "citing the relevant runbook section when there is one. Keep answers short and precise, and never "
            + "reveal credentials or personal data.",
        "You extract structured data. Reply with one JSON object with the fields answer (a string), confidence (a "
            + "number from 0 to 1) and sources (a list of strings), and nothing else.",
        "You are an assistant with tools. When the user asks for live information (weather, documents, tickets), "
            + "call the matching tool with precise arguments instead of guessing; otherwise answer directly.",
    };
    private static final String[] MODELS = {"llama-3.1-8b", "llama-3.1-70b", "qwen2.5-32b", "mistral-7b"};
    private static final String[] APPS = {"support-bot", "kb-search", "extractor", "agent"};
    private static final String[] TOOLS = {"get_weather", "search_docs", "create_ticket", "lookup_order"};

    private final SplittableRandom random;
    private final int orgs;

    RequestWorkload(long seed, int orgs) {
        this.random = new SplittableRandom(seed);
        this.orgs = orgs;
    }

    /** The next request event, completed at {@code at}. */
    RequestEvent next(Instant at) {
        int org = weightedOrg();
        int model = random.nextInt(MODELS.length);
        int kind = random.nextInt(100);
        RequestEvent event = new RequestEvent();
        event.setEventId(new UUID(random.nextLong(), random.nextLong()).toString());
        event.setRequestId("req-" + Long.toHexString(random.nextLong()));
        event.setOrgId(String.format(Locale.ROOT, "org-%03d", org));
        event.setKeyId(String.format(Locale.ROOT, "key-%03d-%d", org, random.nextInt(4)));
        event.setModel(MODELS[model]);
        event.setEndpointId(MODELS[model] + "-ep" + random.nextInt(2));
        event.setEnvironment(random.nextInt(10) < 8 ? "production" : "staging");
        event.setApi("chat.completions");
        event.setStatus(RequestStatus.OK);
        event.setHttpStatus(200);
        event.setReceivedAt(at.minusMillis(200 + random.nextInt(8_000)));
        event.setCompletedAt(at);
        List<CapturedMessage> input = input(kind);
        String output;
        List<CapturedToolCall> calls = List.of();
        String format = null;
        String app;
        if (kind < PROSE_PERCENT) {
            output = prose();
            app = APPS[random.nextInt(2)];
        } else if (kind < PROSE_PERCENT + JSON_PERCENT) {
            output = json();
            format = "json_object";
            app = APPS[2];
        } else {
            output = null;
            calls = toolCalls();
            app = APPS[3];
        }
        event.setFinishReason(calls.isEmpty() ? "stop" : "tool_calls");
        event.setParams(new RequestParams(random.nextInt(3) == 0, (long) (256 + random.nextInt(4) * 256),
                random.nextInt(2) == 0 ? 0.2 : 0.7, null, 1, null, input.size(), calls.isEmpty() ? 0 : TOOLS.length,
                format, null));
        event.setContent(new CapturedContent(input, output, calls));
        event.setTags(Map.of("app", app, "tier", org % 3 == 0 ? "enterprise" : "standard"));
        return event;
    }

    /** Org {@code i} weighted 1/(i+1): a few orgs carry most of the traffic. */
    private int weightedOrg() {
        double harmonic = Math.log(orgs) + 0.5772;
        double target = random.nextDouble() * harmonic;
        double sum = 0;
        for (int i = 0; i < orgs; i++) {
            sum += 1.0 / (i + 1);
            if (sum >= target) {
                return i;
            }
        }
        return orgs - 1;
    }

    private List<CapturedMessage> input(int kind) {
        int prompt = kind < PROSE_PERCENT ? random.nextInt(2) : kind < PROSE_PERCENT + JSON_PERCENT ? 2 : 3;
        List<CapturedMessage> messages = new ArrayList<>(4);
        messages.add(new CapturedMessage("system", SYSTEM_PROMPTS[prompt]));
        if (random.nextInt(3) == 0) {
            messages.add(new CapturedMessage("user", sentence(10, 60) + "?"));
            messages.add(new CapturedMessage("assistant", sentence(20, 80) + "."));
        }
        messages.add(new CapturedMessage("user", sentence(10, 120) + "?"));
        return messages;
    }

    private String prose() {
        int roll = random.nextInt(100);
        if (roll < 2) {
            return REFUSAL;
        }
        StringBuilder text = new StringBuilder(2048);
        if (roll < 40) {
            text.append("Thank you for your question. ");
        }
        text.append(capitalized(sentence(40, 300))).append('.');
        if (roll >= 90) {
            text.append(" You can reach the team at support-").append(random.nextInt(100)).append("@example.com.");
        }
        if (roll >= 20 && roll < 40) {
            text.append(" Please let me know if there is anything else I can do.");
        }
        return text.toString();
    }

    private String json() {
        int roll = random.nextInt(100);
        String answer = sentence(15, 80);
        double confidence = roll < 8 ? 1 + random.nextDouble() : random.nextDouble();
        StringBuilder json = new StringBuilder(1024).append("{\"answer\": \"").append(answer).append('"');
        if (roll < 8 || roll >= 14) {
            json.append(String.format(Locale.ROOT, ", \"confidence\": %.2f", confidence));
        }
        json.append(", \"sources\": [");
        int sources = 1 + random.nextInt(3);
        for (int i = 0; i < sources; i++) {
            json.append(i == 0 ? "" : ", ").append("\"kb/").append(WORDS[random.nextInt(WORDS.length)]).append('-')
                    .append(random.nextInt(500)).append('"');
        }
        json.append("]}");
        if (roll >= 96) { // cut off at max_tokens
            return json.substring(0, json.length() / 2);
        }
        return json.toString();
    }

    private List<CapturedToolCall> toolCalls() {
        int count = random.nextInt(10) == 0 ? 2 : 1;
        List<CapturedToolCall> calls = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String tool = TOOLS[random.nextInt(TOOLS.length)];
            calls.add(new CapturedToolCall(tool, "{\"query\": \"" + sentence(3, 12) + "\", \"limit\": "
                    + (1 + random.nextInt(10)) + "}"));
        }
        return calls;
    }

    private String sentence(int minWords, int maxWords) {
        int words = minWords + random.nextInt(maxWords - minWords + 1);
        StringBuilder text = new StringBuilder(words * 7);
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                text.append(i % 17 == 0 ? ", " : " ");
            }
            text.append(WORDS[random.nextInt(WORDS.length)]);
        }
        return text.toString();
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
