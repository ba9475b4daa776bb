package dev.tollgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class VllmLoadTest {

    @Test
    void readsQueuedRequestsAndKvCacheUsageFromPrometheusText() {
        String text = """
                # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
                # TYPE vllm:num_requests_waiting gauge
                vllm:num_requests_waiting{model_name="llama"} 3.0
                vllm:num_requests_running{model_name="llama"} 9.0
                vllm:gpu_cache_usage_perc{model_name="llama"} 0.5
                vllm:prompt_tokens_total{model_name="llama"} 12345.0
                """;

        VllmLoad load = VllmLoad.parse(text);

        assertThat(load.waiting()).isEqualTo(3.0);
        assertThat(load.kvCacheUsage()).isEqualTo(0.5);
        assertThat(load.penalty(1.0, 4.0)).isCloseTo(5.0, within(1e-9));
    }

    @Test
    void acceptsTheNewerKvCacheNameAndIgnoresGarbage() {
        VllmLoad load = VllmLoad.parse("vllm:kv_cache_usage_perc{engine=\"0\"} 0.25\nvllm:num_requests_waiting NaN\n");

        assertThat(load.kvCacheUsage()).isEqualTo(0.25);
        assertThat(load.waiting()).isZero();
    }
}
