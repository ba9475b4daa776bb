#!/usr/bin/env bash
# The gateway's system calls per request, by kind, under closed-loop load: what JFR cannot see. It found the
# access log's one console write per request (docs/benchmarks.md).
#
# Setup: the local platform without the streams app, as bench/run-gateway-thread-cpu.sh. Then WARMUP of load
# through the gateway (not measured), then DURATION of load while `perf stat` counts the gateway's
# syscalls:sys_enter_* tracepoints; divided by the requests the gateway counted over the same window
# (tollgate_requests_total). Needs `perf` with access to tracepoints (root, or kernel.perf_event_paranoid <= -1).
#
# Knobs (environment): DURATION (10s), WARMUP (40s), CONNECTIONS (64), SKIP_BUILD=1, MVN_FLAGS (e.g. -o),
# PORT_BASE (19200), GATEWAY_ENV (extra variables for the gateway).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-40s}
CONNECTIONS=${CONNECTIONS:-64}
PORT_BASE=${PORT_BASE:-19200}
OUT=bench/target/gateway-syscalls
rm -rf "$OUT" && mkdir -p "$OUT"
command -v perf > /dev/null || { echo "perf is not installed" >&2; exit 1; }

# shellcheck source=bench/common.sh
source bench/common.sh
bench_gateway_platform "$OUT"
BODY='{"model":"sim-llama-3-8b","max_tokens":16,"messages":[{"role":"user","content":"Say hello"}]}'
GATEWAY="http://127.0.0.1:$PORT_BASE/v1/chat/completions"
load() { java -cp "$BENCH_CP" dev.tollgate.bench.BenchMain --url "$GATEWAY" -H "Authorization: Bearer $KEY" \
  --body "$BODY" --connections "$CONNECTIONS" --event-loops 2 --format json "$@"; }

echo "== warm-up ($WARMUP, not measured)" >&2
load --warmup 1s --duration "$WARMUP" > /dev/null
seconds=${DURATION%s}
echo "== counting for $DURATION under load" >&2
load --warmup 0s --duration "$((seconds + 6))s" > "$OUT/load.json" &
load_pid=$!
sleep 3
# The requests are read inside perf's own command, after it has set up its counters (which takes seconds for
# every tracepoint on every thread), so both count over the same window.
export -f bench_gateway_requests
export PORT_BASE
perf stat -e 'syscalls:sys_enter_*' -p "$GATEWAY_PID" -o "$OUT/perf.txt" -- \
  bash -c "before=\$(bench_gateway_requests); sleep $seconds
           echo \$((\$(bench_gateway_requests) - before)) > $OUT/requests.txt"
wait "$load_pid"
echo "requests counted: $(cat "$OUT/requests.txt")"
awk -v n="$(cat "$OUT/requests.txt")" \
  '$2 ~ /^syscalls:/ { gsub(",", "", $1); if ($1 + 0 > 0) printf "%8.3f %s\n", $1 / n, $2 }' \
  "$OUT/perf.txt" | sort -rn | head -15 | tee "$OUT/syscalls-per-request.txt"
