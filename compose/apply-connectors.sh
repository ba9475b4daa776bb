#!/bin/sh
# PUTs every connector configuration in /connectors to the Connect worker: creates or updates each in place.
set -eu
for file in /connectors/*.json; do
  name=$(basename "$file" .json)
  status=$(curl -sS -o /tmp/answer -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
    --data-binary "@$file" "${CONNECT_URL:-http://connect:8083}/connectors/$name/config")
  case "$status" in
    2??) echo "event=connector_applied connector=$name status=$status" ;;
    *) echo "event=connector_apply_failed connector=$name status=$status"; cat /tmp/answer; exit 1 ;;
  esac
done
