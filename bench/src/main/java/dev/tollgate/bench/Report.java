package dev.tollgate.bench;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;

/** Formats a {@link LoadResult} for people (aligned text) or for scripts (one JSON object). */
final class Report {

    private Report() {
    }

    static String text(String label, LoadResult result) {
        LoadSpec spec = result.spec();
        StringBuilder out = new StringBuilder();
        line(out, "run", label == null ? spec.method() + " " + spec.target() : label);
        String mode = spec.mode() == LoadSpec.Mode.CLOSED
                ? "closed loop, " + spec.connections() + " connections"
                : "open loop, " + spec.rate() + " req/s over up to " + spec.connections() + " connections";
        line(out, "mode", mode + (spec.streaming() ? ", streaming" : "") + ", " + spec.eventLoops()
                + " client event loop(s), " + seconds(result.measuredSeconds()) + " measured after "
                + seconds(spec.warmup().toMillis() / 1000.0) + " warm-up");
        line(out, "requests", result.ok() + " ok, " + result.errorCount() + " failed"
                + (result.skipped() > 0 ? ", " + result.skipped() + " skipped (client saturated)" : "")
                + (result.unfinished() > 0 ? ", " + result.unfinished() + " unfinished" : ""));
        line(out, "throughput", String.format(Locale.ROOT, "%.0f req/s, %.1f MB/s of body", result.throughput(),
                result.bytes() / 1e6 / Math.max(result.measuredSeconds(), 1e-9)));
        String latencyName = spec.mode() == LoadSpec.Mode.OPEN ? "latency (from due time)" : "latency";
        line(out, latencyName, percentiles(result.latency()));
        if (spec.mode() == LoadSpec.Mode.OPEN) {
            line(out, "latency (from send)", percentiles(result.sinceSend()));
        }
        if (result.firstByte() != null) {
            line(out, "first byte", percentiles(result.firstByte()));
        }
        line(out, "errors", errors(result.errors()));
        return out.toString();
    }

    static String json(String label, LoadResult result) {
        LoadSpec spec = result.spec();
        JsonObject json = new JsonObject()
                .put("label", label)
                .put("target", spec.target().toString())
                .put("method", spec.method())
                .put("mode", spec.mode().name().toLowerCase(Locale.ROOT))
                .put("streaming", spec.streaming())
                .put("connections", spec.connections())
                .put("rate", spec.mode() == LoadSpec.Mode.OPEN ? spec.rate() : null)
                .put("clientEventLoops", spec.eventLoops())
                .put("measuredSeconds", result.measuredSeconds())
                .put("warmupSeconds", spec.warmup().toMillis() / 1000.0)
                .put("ok", result.ok())
                .put("failed", result.errorCount())
                .put("skipped", result.skipped())
                .put("unfinished", result.unfinished())
                .put("requestsPerSecond", result.throughput())
                .put("latencyMs", percentilesJson(result.latency()))
                .put("sinceSendMs", percentilesJson(result.sinceSend()))
                .put("errors", new JsonObject(Map.copyOf(result.errors())));
        if (result.firstByte() != null) {
            json.put("firstByteMs", percentilesJson(result.firstByte()));
        }
        return json.encode();
    }

    private static JsonObject percentilesJson(LoadResult.Percentiles p) {
        return new JsonObject().put("count", p.count()).put("mean", p.mean()).put("p50", p.p50()).put("p90", p.p90())
                .put("p99", p.p99()).put("p99_9", p.p999()).put("max", p.max());
    }

    private static String percentiles(LoadResult.Percentiles p) {
        if (p.count() == 0) {
            return "no successful request";
        }
        return String.format(Locale.ROOT, "p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f ms (mean %.3f)",
                p.p50(), p.p90(), p.p99(), p.p999(), p.max(), p.mean());
    }

    private static String errors(Map<String, Long> errors) {
        if (errors.isEmpty()) {
            return "none";
        }
        StringBuilder out = new StringBuilder();
        errors.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(e.getKey()).append(": ").append(e.getValue());
        });
        return out.toString();
    }

    private static String seconds(double value) {
        return String.format(Locale.ROOT, "%.1f s", value);
    }

    private static void line(StringBuilder out, String name, String value) {
        out.append(String.format(Locale.ROOT, "%-24s %s%n", name, value));
    }
}
