#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `schemaforge batch` as a whole process, JSONL in and out, against ../shared/bench-peers/fast_server.js:
#   1. 20,000 items, concurrency 64, no latency        -> items/s, CPU per item, peak RSS
#   2. 20,000 items, concurrency 256, 100 ms latency   -> items/s vs the ideal 2,560/s
#   3. 20,000 items, concurrency 64, 100 ms latency    -> RSS@64 for memory per in-flight request
# Usage: bench/batch/run.sh [BUILD_DIR] [ITEMS]   (run it on an otherwise idle machine)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
items=${2:-20000}
cli=$build/bin/schemaforge
server_js=$root/../shared/bench-peers/fast_server.js
work=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

cat >"$work/item.schema.json" <<'JSON'
{"type": "object", "properties": {"n": {"type": "integer"}, "label": {"type": "string", "enum": ["even", "odd"]},
 "tags": {"type": "array", "items": {"type": "string"}}}, "required": ["n", "label", "tags"], "additionalProperties": false}
JSON
python3 - "$items" >"$work/in.jsonl" <<'PY'
import json, sys
for k in range(int(sys.argv[1])):
    print(json.dumps({"id": k, "text": f"item {k}"}))
PY

start_server() {  # $1 = latency ms
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  node "$server_js" --port 0 --latency-ms "$1" --exit-after-s 900 >"$work/server.out" &
  server_pid=$!
  for _ in $(seq 100); do grep -q listening "$work/server.out" 2>/dev/null && break; sleep 0.1; done
  port=$(awk '/listening/ {print $2}' "$work/server.out")
}

run() {  # $1 = label, $2 = concurrency
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$cli" batch --schema "$work/item.schema.json" \
    --input "$work/in.jsonl" --output "$work/out.jsonl" --concurrency "$2" --mode json_schema \
    --base-url "http://127.0.0.1:$port/v1" --model bench-model --api-key bench-key
  read -r elapsed user sys rss_kb <"$work/time"
  python3 - "$work/out.jsonl" "$items" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
n = int(sys.argv[2])
assert len(lines) == n, f"{len(lines)} lines for {n} items"
assert all(l["ok"] and l["value"]["n"] == l["id"] for l in lines), "a wrong or failed item"
PY
  python3 - "$1" "$2" "$items" "$elapsed" "$user" "$sys" "$rss_kb" <<'PY'
import sys
label, c, n, e, u, s, rss = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), *map(float, sys.argv[4:7]), int(sys.argv[7])
print(f"{label}: concurrency {c}, {n} items in {e:.2f} s = {n / e:.0f} items/s, "
      f"CPU {(u + s) * 1000 / n:.3f} ms/item, peak RSS {rss / 1024:.1f} MB")
PY
  echo "$rss_kb" >"$work/rss_$1"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
start_server 0
run latency0_c64 64
start_server 100
run latency100_c256 256
echo "  ideal at 100 ms and 256 in flight: 2560 items/s"
run latency100_c64 64
python3 - "$(cat "$work/rss_latency100_c256")" "$(cat "$work/rss_latency100_c64")" <<'PY'
import sys
a, b = int(sys.argv[1]), int(sys.argv[2])
print(f"memory per in-flight request: (RSS@256 - RSS@64) / 192 = {(a - b) / 192:.1f} KB")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
