#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Load test of samples/extract_service: autocannon (installed from npm into a temporary directory)
# POSTs a contact text to /extract over loopback while the fake model server (the project's own,
# which echoes the text back as the answer) stands in for the model:
#   1. model latency 0 ms,   64 connections  -> requests/s and latency: the service's own cost;
#   2. model latency 100 ms, 256 connections -> requests/s against the ideal 2,560/s: concurrency
#      on one thread (a thread-per-request server would need 256 threads for this).
# Each run lasts SECONDS (default 10); everything is killed at the end.
# Usage: bench/extract_service/run.sh [BUILD_DIR] [SECONDS]   (run it on an otherwise idle machine)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
seconds=${2:-10}
service=$build/bin/extract_service
fake_server=$build/bin/schemaforge_fake_server
for f in "$service" "$fake_server"; do [ -x "$f" ] || { echo "missing $f: build first" >&2; exit 2; }; done
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

(cd "$work" && npm install --silent --no-audit --no-fund autocannon@9.0.0 >/dev/null)
# The fake model echoes the last message, so the body is written as the answer it should produce.
printf '%s' '{"name": "Grace Hopper", "email": "grace.hopper@navy.example", "phone": "+1 555 0100"}' >"$work/body.txt"

run() {  # $1 = model latency in ms, $2 = connections
  echo "[{\"delay_ms\": $1, \"repeat\": 100000000}]" >"$work/script.json"
  exec 3< <(exec "$fake_server" --port 0 --script "$work/script.json" --max-seconds $((seconds + 60)))
  pids+=($!)
  read -r -t 20 line <&3
  export OPENAI_BASE_URL="http://127.0.0.1:${line#listening }/v1" OPENAI_API_KEY=bench-key SCHEMAFORGE_MODEL=bench-model
  exec 4< <(exec "$service" --port 0 2>"$work/service.log")
  local service_pid=$!
  pids+=("$service_pid")
  read -r -t 20 line <&4
  local url="http://127.0.0.1:${line#listening }/extract"
  timeout $((seconds + 30)) node "$work/node_modules/autocannon/autocannon.js" -c "$2" -d "$seconds" -m POST \
    -H content-type=text/plain -i "$work/body.txt" -j "$url" >"$work/result.json" 2>/dev/null
  # CPU time (utime + stime, clock ticks) and peak RSS of the service, read before it stops.
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$service_pid/stat" >"$work/time"
  awk '/VmHWM/ {print $2}' "/proc/$service_pid/status" >>"$work/time"
  kill -TERM "$service_pid"
  wait "$service_pid" || true
  kill "${pids[-2]}" 2>/dev/null || true               # the fake server
  python3 - "$1" "$2" "$work/result.json" "$work/time" "$work/service.log" <<'PY'
import json, sys
latency, conns, result, timing, log = int(sys.argv[1]), int(sys.argv[2]), *sys.argv[3:6]
r = json.load(open(result))
cpu_s, rss_kb = open(timing).read().split()
ok = r["2xx"]
rate = ok / r["duration"]
cpu_ms = float(cpu_s) * 1000 / max(ok, 1)
ideal = f" (ideal {conns * 1000 // latency:,}/s: {100 * rate / (conns * 1000 / latency):.0f} %)" if latency else ""
print(f"model latency {latency} ms, {conns} connections, {r['duration']:.0f} s: {rate:,.0f} requests/s{ideal}, "
      f"latency p50 {r['latency']['p50']} ms p99 {r['latency']['p99']} ms, non-2xx {r['non2xx']}, errors {r['errors']}, "
      f"service CPU {cpu_ms:.3f} ms/request, peak RSS {int(rss_kb) / 1024:.1f} MB")
print("  " + open(log).read().strip().splitlines()[-1])
PY
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
run 0 64
run 100 256
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
