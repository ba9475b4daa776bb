#!/bin/sh
# Fails the rollout unless eval run EVAL_RUN_ID passed: GET /admin/v1/eval-runs/{id} must answer 200 with
# "status":"completed" and "passed":true. That API arrives with the evals issue; until then this gate fails
# closed. Environment: GATEWAY_URL, ADMIN_TOKEN, EVAL_RUN_ID, MODEL.
set -eu
work="${TMPDIR:-/tmp}"
umask 077
printf 'Authorization: Bearer %s\n' "$ADMIN_TOKEN" > "$work/headers"
url="${GATEWAY_URL%/}/admin/v1/eval-runs/$EVAL_RUN_ID"
status=$(curl -sS -o "$work/run.json" -w '%{http_code}' -H "@$work/headers" "$url" 2>/dev/null || true)
run=$(cat "$work/run.json" 2>/dev/null || true)
case "$status:$run" in
  200:*'"status":"completed"'*'"passed":true'*|200:*'"passed":true'*'"status":"completed"'*)
    printf 'event=eval_gate_passed run=%s model=%s\n' "$EVAL_RUN_ID" "$MODEL"
    ;;
  *)
    printf 'event=eval_gate_blocked run=%s model=%s status=%s\n%s\n' "$EVAL_RUN_ID" "$MODEL" "$status" "$run"
    exit 1
    ;;
esac
