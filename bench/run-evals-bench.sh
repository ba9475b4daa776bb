#!/usr/bin/env bash
# Measures evals (issue #16) on a real broker and registry, each stage alone on the machine:
#   (1) deterministic scoring: the streams app (quarkus-run.jar, all capabilities) with five live evaluators
#       (exact_match, regex must_match, regex must_not_match, json_schema, tool_call) through a backlog of EVENTS
#       answered chat completions with content on tollgate.requests.v1, until its group has committed the requests
#       topic and its own scores (which it re-reads to dedupe and aggregate); against (a) a plain KafkaConsumer with
#       the Apicurio Avro deserializer and (a') StreamsFloor's "requests" stage (Kafka Streams with the app's
#       settings that only decodes with the app's RequestRecordDecoder), cold and warm;
#   (2) backfill: the evals worker (quarkus-run.jar) runs one deterministic evaluator version over the backlog's
#       whole time range; records/s from its progress reports on tollgate.eval-progress.v1;
#   (3) judge: llm_judge jobs on tollgate.eval-jobs.v1, the worker's gateway URL pointed straight at the vLLM
#       simulator (JUDGE_TTFT_MS, JUDGE_ITL_MS, JUDGE_TOKENS), once per JUDGE_CONCURRENCY; judge scores/s until all
#       JUDGE_JOBS scores are on tollgate.eval-scores.v1, against concurrency / latency.
#
# Knobs (environment): EVENTS (200000), FLOORS (requests,warm-requests; empty for none), JUDGE_JOBS (2000),
# JUDGE_CONCURRENCY (16,64), JUDGE_TTFT_MS (150), JUDGE_ITL_MS (10), JUDGE_TOKENS (32), BACKFILL_EVALUATOR
# (answer-schema), STREAMS_HEAP (1g), WORKER_HEAP (512m), SKIP_BUILD=1, MVN_FLAGS (e.g. -o).
# Wrap it in the machine's build lock: flock /work/build.lock bench/run-evals-bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS=${EVENTS:-200000}
MVN_FLAGS=${MVN_FLAGS:-}
OUT=bench/target/evals-bench
rm -rf "$OUT" && mkdir -p "$OUT"

# shellcheck source=bench/common.sh
source bench/common.sh
bench_build streams,evals/worker,bench

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
java -Xms1g -Xmx2g -XX:+UseParallelGC -cp "$BENCH_CP" dev.tollgate.bench.evals.EvalsBench \
  --events "$EVENTS" "--floors=${FLOORS-requests,warm-requests}" \
  --judge-jobs "${JUDGE_JOBS:-2000}" --judge-concurrency "${JUDGE_CONCURRENCY:-16,64}" \
  --judge-ttft-ms "${JUDGE_TTFT_MS:-150}" --judge-itl-ms "${JUDGE_ITL_MS:-10}" --judge-tokens "${JUDGE_TOKENS:-32}" \
  --backfill-evaluator "${BACKFILL_EVALUATOR:-answer-schema}" \
  --streams-heap "${STREAMS_HEAP:-1g}" --worker-heap "${WORKER_HEAP:-512m}" \
  --work-dir "$OUT/work" --report "$OUT/report.json"
echo "== report: $OUT/report.json; logs: $OUT/work/streams.log, $OUT/work/evals-worker-*.log" >&2
