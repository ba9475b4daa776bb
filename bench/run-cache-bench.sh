#!/usr/bin/env bash
# The response cache (docs/cache.md): what a hit adds to the request path, and the throughput of a workload that is
# all hits, against misses, in one run.
#
# Setup: the local platform without the streams app (bench_gateway_platform): a real broker, registry and
# PostgreSQL, the zero-latency vLLM simulator answering 16 tokens, and the gateway with events published. Every
# request carries a cache directive, so both sides do the cache's work (canonical body, SHA-256, lookup):
#   miss: "on, no-cache" — not read, answered by the simulator, the answer kept (a refresh: a miss's full cost);
#   hit:  "on" — the same body, always answered from the cache after the first request.
# Each comparison runs in ROUNDS alternating rounds (miss, hit, miss, ...), each side's rounds merged: closed-loop
# maximum throughput (CONNECTIONS), then latency at a fixed open-loop RATE, then a stream at STREAM_RATE.
# Knobs: DURATION (20s), ROUNDS (4), WARMUP (3s), JIT_WARMUP (30s), CONNECTIONS (64), RATE (1000), STREAM_RATE
# (200), SKIP_BUILD=1, MVN_FLAGS (e.g. -o), PORT_BASE (19100).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-20s}
ROUNDS=${ROUNDS:-4}
WARMUP=${WARMUP:-3s}
JIT_WARMUP=${JIT_WARMUP:-30s}
CONNECTIONS=${CONNECTIONS:-64}
RATE=${RATE:-1000}
STREAM_RATE=${STREAM_RATE:-200}
PORT_BASE=${PORT_BASE:-19100}
GATEWAY_PORT=$PORT_BASE
OUT=bench/target/cache-bench
mkdir -p "$OUT"

# shellcheck source=bench/common.sh
source bench/common.sh
bench_gateway_platform "$OUT"
MODEL=sim-llama-3-8b
URL="http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions"
BODY="{\"model\":\"$MODEL\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello to the cache benchmark\"}]}"
SBODY="{\"model\":\"$MODEL\",\"max_tokens\":16,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello to the cache benchmark\"}]}"

load() { # body extra-args...
  local body=$1; shift
  java -Xms256m -Xmx512m -XX:+UseParallelGC -cp "$BENCH_CP" dev.tollgate.bench.BenchMain --url "$URL" --body "$body" \
    -H "Authorization: Bearer $KEY" --format json "$@"
}

pair() { # label body extra-args...: misses and hits in ROUNDS alternating rounds
  local label=$1 body=$2; shift 2
  echo "== $label: miss and hit, $ROUNDS alternating rounds" >&2
  load "$body" -H "x-tollgate-cache: on, no-cache" --versus "$URL" --versus-header "x-tollgate-cache: on" \
    --label "$label-miss" --versus-label "$label-hit" --duration "$DURATION" --warmup "$WARMUP" \
    --rounds "$ROUNDS" "$@" | tee "$OUT/$label.json"
}

echo "== JIT warm-up ($JIT_WARMUP of misses and hits, not measured)" >&2
load "$BODY" -H "x-tollgate-cache: on, no-cache" --versus "$URL" --versus-header "x-tollgate-cache: on" \
  --duration "$JIT_WARMUP" --warmup 1s --rounds 2 --connections "$CONNECTIONS" --event-loops 2 > /dev/null
load "$SBODY" -H "x-tollgate-cache: on" --stream --duration 5s --warmup 1s --mode open --rate "$STREAM_RATE" \
  > /dev/null
pair cache-max "$BODY" --connections "$CONNECTIONS" --event-loops 2
pair cache-open "$BODY" --mode open --rate "$RATE"
pair cache-stream "$SBODY" --mode open --rate "$STREAM_RATE" --stream
echo "== cache counters" >&2
curl -s "http://127.0.0.1:$((PORT_BASE + 3))/q/metrics" | grep -E '^tollgate_cache_requests_total' || true
echo "== results in $OUT" >&2
