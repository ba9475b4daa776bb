#!/usr/bin/env bash
# The response cache (docs/cache.md): what a hit adds to the request path, and the throughput of a workload that is
# all hits, against misses, in one run.
#
# Setup: the local platform without the streams app (bench_gateway_platform): a real broker, registry and
# PostgreSQL, the zero-latency vLLM simulator answering 16 tokens, and the gateway with all three events per request
# published, the local org's content captured and redacted (as ./tollgate-local runs it). Every request carries a
# cache directive, so both sides do the cache's work (canonical body, SHA-256, lookup):
#   miss: "on, no-cache" — not read, answered by the simulator, the answer kept (a refresh: a miss's full cost);
#   hit:  "on" — the same body, always answered from the cache after the first request.
# After a JIT warm-up (until the gateway's compiler threads settle), RUNS runs (3) of three comparisons, each in
# ROUNDS alternating rounds (miss, hit, miss, ...), each side's rounds merged: closed-loop maximum throughput
# (CONNECTIONS), latency at a fixed open-loop RATE, and a stream at STREAM_RATE. Prints, per figure, the median and
# range over the runs, the failures by status and error code, and the gateway's event publisher thread's CPU per
# request (the thread that redacts captured content; when it falls behind, the event buffer fills and the gateway
# refuses requests with 503 events_unavailable).
# Knobs: RUNS (3), DURATION (20s), ROUNDS (4), WARMUP (3s), JIT_WARMUP (30s), JIT_WARMUP_MAX (120s),
# CONNECTIONS (64), RATE (1000), STREAM_RATE (200), SKIP_BUILD=1, MVN_FLAGS (e.g. -o), PORT_BASE (19100),
# GATEWAY_ENV (extra variables for the gateway). Run it under the build lock.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
DURATION=${DURATION:-20s}
ROUNDS=${ROUNDS:-4}
WARMUP=${WARMUP:-3s}
JIT_WARMUP=${JIT_WARMUP:-30s}
JIT_WARMUP_MAX=${JIT_WARMUP_MAX:-120s}
CONNECTIONS=${CONNECTIONS:-64}
RATE=${RATE:-1000}
STREAM_RATE=${STREAM_RATE:-200}
PORT_BASE=${PORT_BASE:-19100}
GATEWAY_PORT=$PORT_BASE
OUT=bench/target/cache-bench
rm -rf "$OUT"; mkdir -p "$OUT"

# shellcheck source=bench/common.sh
source bench/common.sh
bench_gateway_platform "$OUT"
MODEL=sim-llama-3-8b
URL="http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions"
BODY="{\"model\":\"$MODEL\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello to the cache benchmark\"}]}"
SBODY="{\"model\":\"$MODEL\",\"max_tokens\":16,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello to the cache benchmark\"}]}"
MISS=(-H "x-tollgate-cache: on, no-cache")
HIT=(--versus "$URL" --versus-header "x-tollgate-cache: on")

load() { # body extra-args...
  local body=$1; shift
  java -Xms256m -Xmx512m -XX:+UseParallelGC -cp "$BENCH_CP" dev.tollgate.bench.BenchMain --url "$URL" --body "$body" \
    -H "Authorization: Bearer $KEY" --format json "$@"
}

pair() { # dir label body extra-args...: misses and hits in ROUNDS alternating rounds
  local dir=$1 label=$2 body=$3; shift 3
  echo "== $label: miss and hit, $ROUNDS alternating rounds" >&2
  load "$body" "${MISS[@]}" "${HIT[@]}" --label "$label-miss" --versus-label "$label-hit" --duration "$DURATION" \
    --warmup "$WARMUP" --rounds "$ROUNDS" "$@" | tee "$dir/$label.json"
}

publisher_ticks() { # CPU ticks of the gateway's event publisher thread so far
  for t in /proc/"$GATEWAY_PID"/task/*; do
    if [[ "$(cat "$t/comm" 2>/dev/null)" == tollgate-event-* ]]; then bench_cpu_ticks "$t/stat"; fi
  done | awk '{s += $1} END {print s + 0}'
}

echo "== JIT warm-up (misses and hits, then streams; not measured)" >&2
bench_warm_jit "$GATEWAY_PID" "$JIT_WARMUP" "$JIT_WARMUP_MAX" load "$BODY" "${MISS[@]}" "${HIT[@]}" --warmup 1s \
  --rounds 2 --connections "$CONNECTIONS" --event-loops 2
load "$SBODY" -H "x-tollgate-cache: on" --stream --duration 10s --warmup 1s --mode open --rate "$STREAM_RATE" \
  > /dev/null

for run in $(seq 1 "$RUNS"); do
  dir="$OUT/run-$run"; mkdir -p "$dir"
  echo "== run $run of $RUNS" >&2
  ticks_before=$(publisher_ticks); requests_before=$(bench_gateway_requests)
  pair "$dir" cache-max "$BODY" --connections "$CONNECTIONS" --event-loops 2
  pair "$dir" cache-open "$BODY" --mode open --rate "$RATE"
  pair "$dir" cache-stream "$SBODY" --mode open --rate "$STREAM_RATE" --stream
  awk -v t=$(( $(publisher_ticks) - ticks_before )) -v n=$(( $(bench_gateway_requests) - requests_before )) \
    -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "{\"publisherCpuMicrosPerRequest\":%.1f,\"gatewayRequests\":%d}\n",
      t / hz * 1e6 / n, n }' | tee "$dir/publisher.json"
done
echo "== cache counters" >&2
curl -s "http://127.0.0.1:$((PORT_BASE + 3))/q/metrics" | grep -E '^tollgate_cache_requests_total' | tee "$OUT/counters.txt" || true
echo "== events the gateway could not buffer (0 expected)" >&2
curl -s "http://127.0.0.1:$((PORT_BASE + 3))/q/metrics" | grep -E '^tollgate_events_(rejected|dropped)' | tee -a "$OUT/counters.txt" || true

python3 - "$OUT" "$RUNS" <<'EOF' | tee "$OUT/summary.md"
import json, statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])
def lines(run, label):
    with open(f"{out}/run-{run}/{label}.json") as f:
        return [json.loads(l) for l in f if l.strip()]
def fig(values, fmt="{:,.2f}"):
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))} to {fmt.format(max(values))})"
rows, errors = [], {}
def side(label, key, get):
    vals = []
    for run in range(1, runs + 1):
        for r in lines(run, label):
            if r["label"] == key:
                vals.append(get(r))
                for e, n in r.get("errors", {}).items():
                    errors[(key, e)] = errors.get((key, e), 0) + n
    return vals
miss_rps = side("cache-max", "cache-max-miss", lambda r: r["requestsPerSecond"])
hit_rps = side("cache-max", "cache-max-hit", lambda r: r["requestsPerSecond"])
rows.append(("closed loop, 64 connections: req/s", fig(miss_rps, "{:,.0f}"), fig(hit_rps, "{:,.0f}"),
             fig([h / m for h, m in zip(hit_rps, miss_rps)], "{:.2f}×")))
for name, label, pick in [("open loop 1,000 req/s: latency", "cache-open", "latencyMs"),
                          ("open loop 1,000 req/s: latency from send", "cache-open", "sinceSendMs"),
                          ("stream 200 req/s: first byte", "cache-stream", "firstByteMs"),
                          ("stream 200 req/s: whole stream", "cache-stream", "latencyMs")]:
    for p in ("p50", "p99"):
        m = side(label, label + "-miss", lambda r: r[pick][p])
        h = side(label, label + "-hit", lambda r: r[pick][p])
        rows.append((f"{name} {p} (ms)", fig(m), fig(h), fig([b - a for a, b in zip(m, h)], "{:+.2f}")))
pub = []
for run in range(1, runs + 1):
    with open(f"{out}/run-{run}/publisher.json") as f:
        pub.append(json.load(f)["publisherCpuMicrosPerRequest"])
print(f"Median (range) over {runs} runs.\n")
print("| figure | miss | hit | hit vs miss |")
print("| --- | --- | --- | --- |")
for r in rows:
    print("| " + " | ".join(r) + " |")
print(f"\nEvent publisher thread CPU per request (all comparisons): {fig(pub, '{:.1f}')} µs")
print("Failures: " + (", ".join(f"{k} {e}: {n}" for (k, e), n in sorted(errors.items())) or "none"))
EOF
echo "== results in $OUT" >&2
