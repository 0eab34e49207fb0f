#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One run, side by side: the peers of ../shared/bench-peers (OpenAI Node SDK + ajv, instructor-js,
# AI SDK, raw fetch) and autocannon through their own anchors.js, then `schemaforge batch` on the
# same work (bench/batch/run.sh), then the ratios the goals are stated in.
# Usage: bench/peers/compare.sh [BUILD_DIR] [RUNS]   (about 10 minutes; keep the machine idle)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
runs=${2:-3}
peers_src=$root/../shared/bench-peers
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp "$peers_src"/*.js "$peers_src"/package*.json "$work"
(cd "$work" && npm ci --silent --no-audit --no-fund >/dev/null)
(cd "$work" && node anchors.js --runs "$runs" --out "$work/anchors.jsonl" >"$work/anchors.out" 2>&1)
grep '^|' "$work/anchors.out"
for _ in $(seq "$runs"); do "$root/bench/batch/run.sh" "$build" 20000; done | tee "$work/schemaforge.out"

python3 - "$work/anchors.jsonl" "$work/schemaforge.out" <<'PY'
import json, re, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rows = [r for r in rows if not r.get("discarded") and r.get("phase") == "throughput"]
med = lambda xs: statistics.median(xs)
autocannon = med([r["items_per_s"] for r in rows if r["key"] == "autocannon"])
peers = {k: med([r["items_per_s"] for r in rows if r["key"] == k]) for k in ("openai", "instructor", "aisdk")}
best_key = max(peers, key=peers.get)
text = open(sys.argv[2]).read()
ours = med([float(x) for x in re.findall(r"latency0_c64: .* = (\d+) items/s", text)])
ideal = med([float(x) for x in re.findall(r"latency100_c256: .* = (\d+) items/s", text)])
kb = med([float(x) for x in re.findall(r"= ([\d.]+) KB", text)])
print(f"\nschemaforge batch, c=64: {ours:.0f} items/s = {ours / peers[best_key]:.1f}x the fastest validating peer "
      f"({best_key}, {peers[best_key]:.0f}/s; goal 10x) and {100 * ours / autocannon:.0f}% of autocannon "
      f"({autocannon:.0f} req/s; goal 50%)")
print(f"schemaforge batch, c=256 at 100 ms: {ideal:.0f} items/s = {100 * ideal / 2560:.1f}% of the ideal 2,560/s (goal 95%)")
print(f"memory per in-flight request: {kb:.1f} KB (goal at most 64 KB)")
PY
