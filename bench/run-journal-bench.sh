#!/usr/bin/env bash
# What the event journal (docs/events.md, decision 0017) costs the request path: the gateway benchmark
# (bench/run-gateway-bench.sh) with the journal on and off, in alternating runs (on, off, on, off, ...), RUNS of
# each. Each run reports the added latency over the direct simulator at RATE req/s open loop (both sides measured in
# the same run, alternating rounds) and the gateway's CPU per request in the closed-loop comparison. Prints the median
# and range over the runs of each mode. Run it under the build lock: flock /work/build.lock bench/run-journal-bench.sh
#
# Knobs: RUNS (3), FSYNC (a third mode with tollgate.events.journal.fsync-interval=FSYNC, e.g. 1s; empty: none),
# USAGE_ONLY=1 (a mode "usage" with tollgate.events.journal.scope=usage: only usage events journaled), MODES (the
# modes to run, overriding the three knobs before, e.g. MODES="on fsync" with FSYNC=1s to set what forcing the journal
# to disk costs against the journal without it, side by side), and every knob of run-gateway-bench.sh (this script sets SKIP_PORTKEY=1 and, after the first build, SKIP_BUILD=1).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
OUT=bench/target/journal-bench
rm -rf "$OUT"; mkdir -p "$OUT"
export SKIP_PORTKEY=1
modes=(on off)
if [[ -n "${FSYNC:-}" ]]; then modes+=(fsync); fi
if [[ "${USAGE_ONLY:-0}" == 1 ]]; then modes+=(usage); fi
if [[ -n "${MODES:-}" ]]; then read -r -a modes <<< "$MODES"; fi
if [[ " ${modes[*]} " == *" fsync "* && -z "${FSYNC:-}" ]]; then echo "mode fsync needs FSYNC (e.g. 1s)" >&2; exit 2; fi
for run in $(seq 1 "$RUNS"); do
  for mode in "${modes[@]}"; do
    echo "== run $run, journal $mode" >&2
    case $mode in
      on) env TOLLGATE_EVENTS_JOURNAL_ENABLED=true bench/run-gateway-bench.sh > "$OUT/$mode-$run.log" 2>&1 ;;
      off) env TOLLGATE_EVENTS_JOURNAL_ENABLED=false bench/run-gateway-bench.sh > "$OUT/$mode-$run.log" 2>&1 ;;
      usage) env TOLLGATE_EVENTS_JOURNAL_ENABLED=true TOLLGATE_EVENTS_JOURNAL_SCOPE=usage \
        bench/run-gateway-bench.sh > "$OUT/$mode-$run.log" 2>&1 ;;
      fsync) env TOLLGATE_EVENTS_JOURNAL_ENABLED=true TOLLGATE_EVENTS_JOURNAL_FSYNC_INTERVAL="$FSYNC" \
        bench/run-gateway-bench.sh > "$OUT/$mode-$run.log" 2>&1 ;;
    esac
    cp -r bench/target/gateway-bench "$OUT/$mode-$run"
    export SKIP_BUILD=1
  done
done
python3 - "$OUT" "$RUNS" "${modes[@]}" <<'EOF'
import json, statistics, sys
out, runs, modes = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def load(path):
    with open(path) as f:
        return json.loads(f.readline())
def fmt(values, unit):
    return f"{statistics.median(values):.3f} {unit} ({min(values):.3f} to {max(values):.3f})"
for mode in modes:
    rows = {"added p50": [], "added p90": [], "added p99": [], "tollgate p99": [], "direct p99": [], "cpu/request": [],
            "max req/s": []}
    for run in range(1, runs + 1):
        d = f"{out}/{mode}-{run}"
        t, s = load(f"{d}/tollgate-open.json"), load(f"{d}/direct-open.json")
        for p in ("p50", "p90", "p99"):
            rows["added " + p].append(t["latencyMs"][p] - s["latencyMs"][p])
        rows["tollgate p99"].append(t["latencyMs"]["p99"])
        rows["direct p99"].append(s["latencyMs"]["p99"])
        rows["cpu/request"].append(load(f"{d}/cpu-per-request.json")["gatewayCpuMicrosPerRequest"])
        rows["max req/s"].append(load(f"{d}/tollgate-max.json")["requestsPerSecond"])
    print(f"journal {mode}: " + "; ".join(
        f"{k} {fmt(v, 'µs' if k == 'cpu/request' else ('req/s' if k == 'max req/s' else 'ms'))}"
        for k, v in rows.items()))
EOF
