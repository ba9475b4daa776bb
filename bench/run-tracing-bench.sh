#!/usr/bin/env bash
# What exporting traces to OpenTelemetry (docs/observability.md#tracing-with-opentelemetry, decision 0024) costs the
# gateway: bench/run-gateway-bench.sh with tracing off (the default) and on, in alternating runs (off, on, off, on,
# ...), RUNS of each. "On" sets TOLLGATE_TRACING_ENDPOINT to a stand-in collector on loopback (dev.tollgate.bench.
# OtlpSink: takes every OTLP/HTTP export, decodes nothing), so every request's spans are built and exported. Each run
# reports the latency the gateway adds over the direct simulator at RATE req/s open loop (both measured in the same
# run, alternating rounds), the gateway's CPU per request and its throughput in the closed-loop comparison. Prints the
# median and range over the runs of each mode, and what the sink took. Run it under the build lock:
#   flock /work/build.lock bench/run-tracing-bench.sh
#
# Then, unless THREAD_CPU=0, bench/run-gateway-thread-cpu.sh once with tracing off and once on: the gateway's CPU
# per request by thread, which shows where tracing's CPU goes (the tollgate-tracing thread, the batch span processor's
# worker, the JDK HTTP client's threads) and what it adds to the event loops.
#
# Knobs: RUNS (3), SINK_PORT (19290), THREAD_CPU (1), and every knob of run-gateway-bench.sh (this script sets
# SKIP_PORTKEY=1 and builds once, then SKIP_BUILD=1).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
SINK_PORT=${SINK_PORT:-19290}
OUT=bench/target/tracing-bench
rm -rf "$OUT"; mkdir -p "$OUT"

# shellcheck source=bench/common.sh
source bench/common.sh
bench_build gateway,bench,local/platform
export SKIP_BUILD=1 SKIP_PORTKEY=1

echo "== stand-in OTLP collector on 127.0.0.1:$SINK_PORT" >&2
java -Xmx128m -XX:+UseSerialGC -cp "$BENCH_CP" dev.tollgate.bench.OtlpSink "$SINK_PORT" > "$OUT/sink.log" 2>&1 &
sink_pid=$!
pids+=("$sink_pid")
for _ in $(seq 1 50); do grep -q listening "$OUT/sink.log" && break; sleep 0.2; done

for run in $(seq 1 "$RUNS"); do
  for mode in off on; do
    echo "== run $run, tracing $mode" >&2
    case $mode in
      off) env -u TOLLGATE_TRACING_ENDPOINT bench/run-gateway-bench.sh > "$OUT/$mode-$run.log" 2>&1 ;;
      on) env TOLLGATE_TRACING_ENDPOINT="http://127.0.0.1:$SINK_PORT/v1/traces" bench/run-gateway-bench.sh \
        > "$OUT/$mode-$run.log" 2>&1 ;;
    esac
    mkdir -p "$OUT/$mode-$run"
    cp bench/target/gateway-bench/*.json "$OUT/$mode-$run/"
    grep -rh "event=tracing" bench/target/gateway-bench/platform --include=gateway.log 2>/dev/null | tail -1 >&2 || true
    grep "^tollgate_tracing_spans" "$OUT/$mode-$run.log" >&2 || true
  done
done
if [[ "${THREAD_CPU:-1}" != 0 ]]; then
  for mode in off on; do
    echo "== gateway CPU by thread, tracing $mode" >&2
    env=""
    [[ $mode == on ]] && env="TOLLGATE_TRACING_ENDPOINT=http://127.0.0.1:$SINK_PORT/v1/traces"
    GATEWAY_ENV="$env" bench/run-gateway-thread-cpu.sh > "$OUT/thread-cpu-$mode.log" 2>&1 || true
    cp bench/target/gateway-thread-cpu/thread-cpu.json "$OUT/thread-cpu-$mode.json" 2>/dev/null || true
    tail -3 "$OUT/thread-cpu-$mode.log"
  done
fi
kill "$sink_pid" 2>/dev/null && wait "$sink_pid" 2>/dev/null || true
tail -1 "$OUT/sink.log" >&2

python3 - "$OUT" "$RUNS" <<'PY'
import json, statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])
def load(path):
    with open(path) as f:
        return json.loads(f.readline())
def fmt(values, unit, digits):
    return f"{statistics.median(values):.{digits}f} {unit} ({min(values):.{digits}f} to {max(values):.{digits}f})"
for mode in ("off", "on"):
    rows = {"added p50": [], "added p90": [], "added p99": [], "tollgate p99": [], "cpu/request": [], "max req/s": []}
    for run in range(1, runs + 1):
        d = f"{out}/{mode}-{run}"
        t, s = load(f"{d}/tollgate-open.json"), load(f"{d}/direct-open.json")
        for p in ("p50", "p90", "p99"):
            rows["added " + p].append(t["latencyMs"][p] - s["latencyMs"][p])
        rows["tollgate p99"].append(t["latencyMs"]["p99"])
        rows["cpu/request"].append(load(f"{d}/cpu-per-request.json")["gatewayCpuMicrosPerRequest"])
        rows["max req/s"].append(load(f"{d}/tollgate-max.json")["requestsPerSecond"])
    units = {"cpu/request": ("µs", 1), "max req/s": ("req/s", 0)}
    print(f"tracing {mode}: " + "; ".join(f"{k} {fmt(v, *units.get(k, ('ms', 3)))}" for k, v in rows.items()))
    print(f"  per run cpu/request: {rows['cpu/request']}; max req/s: {[round(x) for x in rows['max req/s']]}")
PY
