package dev.tollgate.local.vllm;

import io.vertx.core.buffer.Buffer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * vLLM's Prometheus metrics, fed by the traffic the simulator really serves.
 *
 * <p>Counters are {@link LongAdder}s because every event loop updates them; the two request gauges come from
 * {@link AdmissionQueue}. {@code vllm:gpu_cache_usage_perc} is approximated as running sequences over
 * {@code maxNumSeqs}: the simulator has no KV cache, and this keeps the gauge moving with load as a router expects.
 * Names and the {@code model_name} label follow vLLM; {@code tollgate_sim_injected_faults_total} is the simulator's
 * own, so a test can check what was injected.
 */
final class SimulatorMetrics {

    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder generationTokens = new LongAdder();
    private final LongAdder successStop = new LongAdder();
    private final LongAdder successLength = new LongAdder();
    private final Map<FailureInjector.Fault, LongAdder> faults = new EnumMap<>(FailureInjector.Fault.class);

    SimulatorMetrics() {
        for (FailureInjector.Fault fault : FailureInjector.Fault.values()) {
            if (fault != FailureInjector.Fault.NONE) {
                faults.put(fault, new LongAdder());
            }
        }
    }

    void promptTokens(long tokens) {
        promptTokens.add(tokens);
    }

    void generationTokens(long tokens) {
        generationTokens.add(tokens);
    }

    /** Counts one finished request, by the finish reason of its first choice. */
    void success(FinishReason reason) {
        (reason == FinishReason.LENGTH ? successLength : successStop).increment();
    }

    void fault(FailureInjector.Fault fault) {
        LongAdder adder = faults.get(fault);
        if (adder != null) {
            adder.increment();
        }
    }

    /** Renders the Prometheus text exposition format, version 0.0.4. */
    Buffer render(String model, AdmissionQueue admission, int maxNumSeqs) {
        String label = "{model_name=\"" + escapeLabel(model) + "\"}";
        int running = admission.running();
        StringBuilder out = new StringBuilder(2048);
        gauge(out, "vllm:num_requests_running", "Number of requests in model execution batches.", label, running);
        gauge(out, "vllm:num_requests_waiting", "Number of requests waiting to be processed.", label,
                admission.waiting());
        gauge(out, "vllm:gpu_cache_usage_perc", "GPU KV-cache usage. 1 means 100 percent usage.", label,
                Math.min(1.0, running / (double) maxNumSeqs));
        counter(out, "vllm:prompt_tokens_total", "Number of prefill tokens processed.", label, promptTokens.sum());
        counter(out, "vllm:generation_tokens_total", "Number of generation tokens processed.", label,
                generationTokens.sum());
        String escaped = escapeLabel(model);
        header(out, "vllm:request_success_total", "Count of successfully processed requests.", "counter");
        sample(out, "vllm:request_success_total", "{finished_reason=\"stop\",model_name=\"" + escaped + "\"}",
                successStop.sum());
        sample(out, "vllm:request_success_total", "{finished_reason=\"length\",model_name=\"" + escaped + "\"}",
                successLength.sum());
        header(out, "tollgate_sim_injected_faults_total", "Faults injected by the vLLM simulator.", "counter");
        for (Map.Entry<FailureInjector.Fault, LongAdder> e : faults.entrySet()) {
            String fault = e.getKey().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            sample(out, "tollgate_sim_injected_faults_total",
                    "{fault=\"" + fault + "\",model_name=\"" + escaped + "\"}", e.getValue().sum());
        }
        return Buffer.buffer(out.toString());
    }

    private static void gauge(StringBuilder out, String name, String help, String label, double value) {
        header(out, name, help, "gauge");
        sample(out, name, label, value);
    }

    private static void counter(StringBuilder out, String name, String help, String label, double value) {
        header(out, name, help, "counter");
        sample(out, name, label, value);
    }

    private static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String labels, double value) {
        out.append(name).append(labels).append(' ').append(value).append('\n');
    }

    private static String escapeLabel(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
