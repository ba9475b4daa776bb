#!/bin/sh
# Drains this release's endpoint, waits DRAIN_SECONDS for in-flight requests, then deregisters it
# (DELETE /admin/v1/endpoints/{id}). Run before the release is deleted (ArgoCD: PreDelete), while vLLM still
# serves. An endpoint that is not registered (404) is already gone: that is success.
#
# Environment: GATEWAY_URL, ADMIN_TOKEN, ENDPOINT_ID, DRAIN_SECONDS (default 30), ATTEMPTS (default 30).
set -eu

api="${GATEWAY_URL%/}/admin/v1/endpoints"
work="${TMPDIR:-/tmp}"
answer="$work/answer.json"
headers="$work/headers"
umask 077
printf 'Authorization: Bearer %s\n' "$ADMIN_TOKEN" > "$headers"

log() { printf 'event=%s endpoint=%s %s\n' "$1" "$ENDPOINT_ID" "${2:-}"; }

retry() {
  n=0
  while :; do
    status=$(curl -sS -o "$answer" -w '%{http_code}' -X "$1" -H "@$headers" "$2" 2>/dev/null || true)
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

status=$(retry POST "$api/$ENDPOINT_ID/drain")
case "$status" in
  200)
    log endpoint_draining "seconds=${DRAIN_SECONDS:-30}"
    sleep "${DRAIN_SECONDS:-30}"
    ;;
  404) log endpoint_not_registered; exit 0 ;;
  *) log drain_failed "status=$status"; cat "$answer"; echo; exit 1 ;;
esac
status=$(retry DELETE "$api/$ENDPOINT_ID")
case "$status" in
  200) log endpoint_deregistered ;;
  404) log endpoint_not_registered ;;
  *) log deregister_failed "status=$status"; cat "$answer"; echo; exit 1 ;;
esac
