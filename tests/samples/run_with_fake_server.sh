#!/usr/bin/env bash
# run_with_fake_server.sh SERVER SCRIPT.json [--expect REGEX]... [--expect-request REGEX]... -- COMMAND [ARGS...]
# Starts the fake OpenAI-compatible server on a free loopback port with the given script, runs
# COMMAND with OPENAI_BASE_URL pointing at it (plus a placeholder key and model), and passes when
# COMMAND exits 0, every --expect REGEX (grep -E) matches a line of its output and every
# --expect-request REGEX matches one request the server received (one JSON line each). The server
# bounds its own lifetime (--max-seconds) and is killed when this script ends.
set -euo pipefail
server=$1 script=$2
shift 2
expects=() request_expects=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case $1 in
    --expect) expects+=("$2") ;;
    --expect-request) request_expects+=("$2") ;;
    *) echo "usage: $0 SERVER SCRIPT [--expect REGEX]... [--expect-request REGEX]... -- COMMAND..." >&2; exit 2 ;;
  esac
  shift 2
done
shift  # the "--"

record=$(mktemp)
exec 3< <(exec "$server" --port 0 --script "$script" --record "$record" --max-seconds 120)
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; rm -f "$record"' EXIT
read -r -t 20 line <&3 || { echo "the fake server did not start" >&2; exit 1; }
port=${line#listening }

status=0
output=$(OPENAI_BASE_URL="http://127.0.0.1:$port/v1" OPENAI_API_KEY=sk-test-placeholder \
         SCHEMAFORGE_MODEL=test-model "$@" 2>&1) || status=$?
echo "$output"
[ "$status" -eq 0 ] || { echo "exit status $status: $*" >&2; exit 1; }
for re in "${expects[@]}"; do
  grep -Eq -- "$re" <<<"$output" || { echo "no line of the output matches: $re" >&2; exit 1; }
done
for re in "${request_expects[@]}"; do
  grep -Eq -- "$re" "$record" || { echo "no request the server received matches: $re" >&2; exit 1; }
done
