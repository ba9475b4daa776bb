package dev.tollgate.gateway.routing;

/**
 * The load signals vLLM publishes on {@code /metrics}, read from the Prometheus text format.
 *
 * @param waiting       requests queued in vLLM ({@code vllm:num_requests_waiting}), summed over label sets
 * @param kvCacheUsage  KV-cache usage between 0 and 1 ({@code vllm:gpu_cache_usage_perc}, or
 *                      {@code vllm:kv_cache_usage_perc} in newer vLLM), the highest over label sets
 */
public record VllmLoad(double waiting, double kvCacheUsage) {

    /** Parses the samples it knows and ignores every other line. */
    public static VllmLoad parse(String prometheusText) {
        double waiting = 0;
        double cache = 0;
        for (String line : prometheusText.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            if (line.startsWith("vllm:num_requests_waiting")) {
                waiting += value(line);
            } else if (line.startsWith("vllm:gpu_cache_usage_perc") || line.startsWith("vllm:kv_cache_usage_perc")) {
                cache = Math.max(cache, value(line));
            }
        }
        return new VllmLoad(waiting, Math.min(1, cache));
    }

    /**
     * The load this adds to an endpoint, in outstanding-request units.
     *
     * @param waitingWeight what one queued request counts as
     * @param kvCacheWeight what a full KV cache counts as
     */
    public double penalty(double waitingWeight, double kvCacheWeight) {
        return waiting * waitingWeight + kvCacheUsage * kvCacheWeight;
    }

    private static double value(String line) {
        int end = line.lastIndexOf('}');
        String rest = (end >= 0 ? line.substring(end + 1) : line.substring(line.indexOf(' '))).trim();
        int space = rest.indexOf(' ');
        try {
            double v = Double.parseDouble(space < 0 ? rest : rest.substring(0, space));
            return Double.isFinite(v) && v > 0 ? v : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
