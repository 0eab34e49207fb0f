#!/usr/bin/env bash
# run_with_fake_server.sh SERVER SCRIPT.json [--expect REGEX]... -- COMMAND [ARGS...]
# Starts the fake OpenAI-compatible server on a free loopback port with the given script, runs
# COMMAND with OPENAI_BASE_URL pointing at it (plus a placeholder key and model), and passes when
# COMMAND exits 0 and every REGEX (grep -E) matches a line of its output. The server bounds its own
# lifetime (--max-seconds) and is killed when this script ends.
set -euo pipefail
server=$1 script=$2
shift 2
expects=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  [ "$1" = "--expect" ] || { echo "usage: $0 SERVER SCRIPT [--expect REGEX]... -- COMMAND..." >&2; exit 2; }
  expects+=("$2")
  shift 2
done
shift  # the "--"

exec 3< <(exec "$server" --port 0 --script "$script" --max-seconds 120)
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
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
