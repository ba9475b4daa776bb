#!/usr/bin/env bash
# Measures budget enforcement end to end on the whole local platform (issue #4):
#   1. freshness: from a usage event being produced to the gateway enforcing the budget state that counts it, under
#      a fixed open-loop load (RATE req/s for DURATION) against a hard org budget. Read from the gateway's timer
#      tollgate.budget.state.freshness (p50, p99, max) and from its histogram buckets (share within 1 s).
#   2. overspend: CONNECTIONS concurrent curl clients send LIMIT_MICROS/10 requests (about 3x what the budget pays
#      for) against a small hard budget (LIMIT_MICROS) of a fresh org; the spend the streams app counts, minus the
#      limit.
#
# Setup (everything on this machine, loopback only): ./tollgate-local with the streams app, a real KRaft broker,
# the Apicurio Registry, PostgreSQL, the vLLM simulator (zero latency, 16 output tokens) and the gateway
# (-Xmx256m). The load generator is the bench module's BenchMain.
#
# Knobs (environment): RATE (1000), DURATION (60s), WARMUP (20s), CONNECTIONS (64), LIMIT_MICROS (20000),
# SKIP_BUILD=1, MVN_FLAGS (e.g. -o), PORT_BASE (19100).
set -euo pipefail
cd "$(dirname "$0")/.."

RATE=${RATE:-1000}
DURATION=${DURATION:-60s}
WARMUP=${WARMUP:-20s}
CONNECTIONS=${CONNECTIONS:-64}
LIMIT_MICROS=${LIMIT_MICROS:-20000}
MVN_FLAGS=${MVN_FLAGS:-}
PORT_BASE=${PORT_BASE:-19100}
GATEWAY="http://127.0.0.1:$PORT_BASE"
METRICS="http://127.0.0.1:$((PORT_BASE + 3))/q/metrics"
STREAMS="http://127.0.0.1:$((PORT_BASE + 8))"
OUT=bench/target/budget-bench
mkdir -p "$OUT"

# shellcheck source=bench/common.sh
source bench/common.sh
bench_build gateway,streams,bench,local/platform

echo "== starting the platform" >&2
bench_start_platform "$OUT" 240
BODY='{"model":"sim-llama-3-8b","max_tokens":16,"messages":[{"role":"user","content":"Say hello to the benchmark"}]}'

admin() { # method path [json]
  curl -s -X "$1" "$GATEWAY$2" -H "Authorization: Bearer $ADMIN" -H "Content-Type: application/json" ${3:+-d "$3"}
}
await_applied() { # budget id
  for _ in $(seq 1 100); do admin GET "/admin/v1/budgets/$1" | grep -q '"live":{' && return; sleep 0.1; done
  echo "budget $1 not applied" >&2; exit 1
}
load() { # label key extra-args...
  local label=$1 key=$2; shift 2
  java -Xms256m -Xmx512m -XX:+UseParallelGC -cp "$BENCH_CP" dev.tollgate.bench.BenchMain --url "$GATEWAY/v1/chat/completions" \
    --body "$BODY" -H "Authorization: Bearer $key" --label "$label" --format json "$@" > "$OUT/$label.json"
}
bucket_counts() { # the freshness histogram: "le count" lines
  curl -s "$METRICS" | sed -n 's/^tollgate_budget_state_freshness_seconds_bucket{le="\([0-9.+Inf]*\)"} \([0-9.]*\)$/\1 \2/p'
}

echo "== 1. freshness at $RATE req/s for $DURATION, org budget of \$1,000 a day" >&2
admin POST /admin/v1/budgets '{"id":"bench-org","scope_type":"org","scope_id":"local","amount_micros":1000000000,"period":"daily"}' >/dev/null
await_applied bench-org
# The warm-up runs at the measured rate: a closed-loop warm-up would queue more usage than the streams app works
# off in the measured minute, and the run would measure that backlog instead of the steady state.
load freshness-warmup "$KEY" --mode open --rate "$RATE" --connections "$CONNECTIONS" --duration "$WARMUP" --warmup 1s
bucket_counts > "$OUT/buckets-before.txt"
load freshness "$KEY" --mode open --rate "$RATE" --connections "$CONNECTIONS" --duration "$DURATION" --warmup 1s
sleep 2
bucket_counts > "$OUT/buckets-after.txt"
curl -s "$METRICS" | grep '^tollgate_budget_state_freshness_seconds' | grep -v _bucket > "$OUT/freshness-summary.txt"
admin DELETE /admin/v1/budgets/bench-org >/dev/null

echo "== 2. overspend: $CONNECTIONS clients against a hard budget of $LIMIT_MICROS micro-dollars" >&2
admin POST /admin/v1/orgs '{"id":"bench-overspend","name":"Overspend"}' >/dev/null
OKEY=$(admin POST /admin/v1/keys '{"org_id":"bench-overspend"}' | grep -o '"key":"tg_[^"]*"' | cut -d'"' -f4)
admin POST /admin/v1/budgets "{\"id\":\"bench-small\",\"scope_type\":\"org\",\"scope_id\":\"bench-overspend\",\"amount_micros\":$LIMIT_MICROS,\"period\":\"daily\"}" >/dev/null
await_applied bench-small
for _ in $(seq 1 100); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' "$GATEWAY/v1/models" -H "Authorization: Bearer $OKEY") == 200 ]] && break
  sleep 0.1
done
seq 1 $(( LIMIT_MICROS / 10 )) | xargs -P "$CONNECTIONS" -I{} curl -s -o /dev/null -w '%{http_code}\n' \
  "$GATEWAY/v1/chat/completions" -H "Authorization: Bearer $OKEY" -H "Content-Type: application/json" -d "$BODY" \
  | sort | uniq -c > "$OUT/overspend-statuses.txt"
spent=-1
for _ in $(seq 1 60); do
  now=$(curl -s "$STREAMS/v1/budgets/bench-small" | grep -o '"spent_micros":[0-9]*' | cut -d: -f2)
  [[ -n "$now" && "$now" != 0 && "$now" == "$spent" ]] && break
  spent=${now:--1}; sleep 2
done

echo
echo "== results (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
grep -o '"ok":[0-9]*,"failed":[0-9]*\|"requestsPerSecond":[0-9.]*' "$OUT/freshness.json" | tr '\n' ' '; echo
cat "$OUT/freshness-summary.txt"
# From the histogram's buckets, counted over the measured run only: p50, p99 (as bucket upper bounds) and the
# share of states enforced within 1 s.
join <(sort "$OUT/buckets-before.txt") <(sort "$OUT/buckets-after.txt") | awk '
  $1 == "+Inf" { total = $3 - $2; next }
  { n++; le[n] = $1 + 0; count[n] = $3 - $2 }
  END {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (le[j] < le[i]) {
      t = le[i]; le[i] = le[j]; le[j] = t; t = count[i]; count[i] = count[j]; count[j] = t }
    for (i = 1; i <= n; i++) {
      if (p50 == "" && count[i] >= 0.5 * total) p50 = le[i]
      if (p99 == "" && count[i] >= 0.99 * total) p99 = le[i]
      if (le[i] <= 1.0) within = count[i]
    }
    if (total > 0) printf "freshness over the measured run: %d states, p50 <= %.3f s, p99 <= %.3f s, within 1 s: %.2f%%\n",
      total, p50, p99, 100 * within / total
  }'
echo "overspend run, answers by status: $(tr -s ' \n' ' ' < "$OUT/overspend-statuses.txt")"
echo "overspend run: limit_micros=$LIMIT_MICROS counted_by_streams=$spent overspend=$(( spent > LIMIT_MICROS ? spent - LIMIT_MICROS : 0 ))"
