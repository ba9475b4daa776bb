#!/bin/sh
# Registers this release's vLLM endpoint in the gateway's model registry (POST /admin/v1/endpoints), or makes the
# registered one match this revision's values. Run after install, upgrade and rollback (ArgoCD: PostSync).
#
# Idempotent, and gap-free when nothing changed: a 409 (already registered) is compared field by field with the
# registry's listing; only an endpoint that differs (price, weight, URL, status, context, key presence) is
# deregistered and registered again. The registry has no update call, and a re-sync must not take the endpoint
# out of rotation for nothing.
#
# Environment: GATEWAY_URL, ADMIN_TOKEN, ENDPOINT_ID, MODEL, ENVIRONMENT, BASE_URL, WEIGHT, STATUS, INPUT_PRICE,
# OUTPUT_PRICE, PRICE_VERSION, MAX_CONTEXT (optional), UPSTREAM_API_KEY (optional), ATTEMPTS (default 30).
set -eu

api="${GATEWAY_URL%/}/admin/v1/endpoints"
work="${TMPDIR:-/tmp}"
answer="$work/answer.json"
headers="$work/headers"
umask 077
# The token goes to curl in a file, never on a command line.
printf 'Authorization: Bearer %s\nContent-Type: application/json\n' "$ADMIN_TOKEN" > "$headers"

log() { printf 'event=%s endpoint=%s %s\n' "$1" "$ENDPOINT_ID" "${2:-}"; }

# A JSON string literal.
quote() { printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"; }

if [ -n "${UPSTREAM_API_KEY:-}" ]; then has_key=true; else has_key=false; fi

# The registration request. The upstream key is written to the body file only, and no answer ever echoes it.
body() {
  printf '{"id":%s,"model":%s,"environment":%s,"base_url":%s,"weight":%s,"status":%s' \
    "$(quote "$ENDPOINT_ID")" "$(quote "$MODEL")" "$(quote "$ENVIRONMENT")" "$(quote "$BASE_URL")" "$WEIGHT" \
    "$(quote "$STATUS")"
  printf ',"input_price_per_million_micros":%s,"output_price_per_million_micros":%s,"price_version":%s' \
    "$INPUT_PRICE" "$OUTPUT_PRICE" "$PRICE_VERSION"
  if [ -n "${MAX_CONTEXT:-}" ]; then printf ',"max_context":%s' "$MAX_CONTEXT"; fi
  if [ "$has_key" = true ]; then printf ',"upstream_api_key":%s' "$(quote "$UPSTREAM_API_KEY")"; fi
  printf '}'
}
body > "$work/body.json"

# call METHOD URL [curl args...]: prints the HTTP status (000 when the gateway could not be reached).
call() {
  method=$1 url=$2
  shift 2
  curl -sS -o "$answer" -w '%{http_code}' -X "$method" -H "@$headers" "$@" "$url" 2>/dev/null || true
}

# retry METHOD URL [curl args...]: like call, but retries while the gateway is unreachable or answers 5xx
# (starting, or 503 propagation_failed, which is safe to repeat).
retry() {
  n=0
  while :; do
    status=$(call "$@")
    case "$status" in
      000|5??) ;;
      *) printf '%s' "$status"; return 0 ;;
    esac
    n=$((n + 1))
    if [ "$n" -ge "${ATTEMPTS:-30}" ]; then printf '%s' "$status"; return 0; fi
    log retrying "status=$status attempt=$n" >&2
    sleep 5
  done
}

fail() {
  log "$1" "status=$2"
  cat "$answer" 2>/dev/null || true
  echo
  exit 1
}

# Whether the registered endpoint has every value this revision sets. Its listing entry, up to created_at, holds
# exactly the fields the chart sets; each "field":value, is looked for with its trailing comma, so 1 never
# matches 10.
matches() {
  status=$(retry GET "$api" -G --data-urlencode "model=$MODEL" --data-urlencode "environment=$ENVIRONMENT")
  [ "$status" = 200 ] || fail list_failed "$status"
  entry=$(sed -n "s/.*\({\"id\":\"$ENDPOINT_ID\",[^}]*\)\"created_at\".*/\1/p" "$answer")
  [ -n "$entry" ] || return 1
  for pair in "\"model\":$(quote "$MODEL")," "\"environment\":$(quote "$ENVIRONMENT")," \
      "\"base_url\":$(quote "$BASE_URL")," "\"has_upstream_api_key\":$has_key," "\"weight\":$WEIGHT," \
      "\"status\":$(quote "$STATUS")," "\"input_price_per_million_micros\":$INPUT_PRICE," \
      "\"output_price_per_million_micros\":$OUTPUT_PRICE," "\"price_version\":$PRICE_VERSION," \
      "\"max_context\":${MAX_CONTEXT:-null},"; do
    case "$entry" in
      *"$pair"*) ;;
      *) log differs "field=${pair%%:*}"; return 1 ;;
    esac
  done
  return 0
}

register() {
  status=$(retry POST "$api" --data-binary "@$work/body.json")
  case "$status" in
    201) log endpoint_registered "model=$MODEL environment=$ENVIRONMENT base_url=$BASE_URL"; return 0 ;;
    409) return 2 ;;
    *) fail register_failed "$status" ;;
  esac
}

if register; then exit 0; else rc=$?; fi
[ "$rc" = 2 ] || exit "$rc"
if matches; then
  log endpoint_unchanged "model=$MODEL environment=$ENVIRONMENT"
  exit 0
fi
# Registered with other values (an upgrade or a rollback changed them), or another endpoint holds this
# (model, environment, base_url): replace ours. A 404 means it was not ours to begin with.
status=$(retry DELETE "$api/$ENDPOINT_ID")
case "$status" in
  200) log endpoint_deregistered "reason=values_changed" ;;
  404) ;;
  *) fail deregister_failed "$status" ;;
esac
if register; then exit 0; fi
fail register_conflict 409
