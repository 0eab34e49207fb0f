#!/usr/bin/env bash
# Schema inference benchmark: `schemaforge infer` vs quicktype (JSON -> JSON Schema) and genson-js,
# whole process, on the same sample sets; then accuracy of the three schemas; then one large JSONL
# inference (time and peak RSS, /usr/bin/time -v). Figures: medians over RUNS of wall and CPU time,
# peak RSS (see timing.py).
#
# Usage: bench/infer/run_bench.sh [RUNS] [JSONL_MB]
#   env SCHEMAFORGE=<Release schemaforge binary> (default: build/bin/schemaforge)
#       NM=<node_modules holding quicktype@26.0.0 and genson-js@0.0.8> (default: npm install into a temp dir)
#       WORK=<scratch dir> (default: a temp dir, removed at the end)
set -euo pipefail
RUNS=${1:-5}
JSONL_MB=${2:-100}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SF=${SCHEMAFORGE:-$ROOT/build/bin/schemaforge}
[ -x "$SF" ] || { echo "build schemaforge first (Release): $SF" >&2; exit 2; }
WORK=${WORK:-$(mktemp -d)}
KEEP=${WORK_KEEP:-}
cleanup() { [ -n "$KEEP" ] || rm -rf "$WORK"; }
trap cleanup EXIT
if [ -z "${NM:-}" ]; then
  (cd "$WORK" && npm install --silent --no-audit --no-fund --prefix "$WORK/npm" quicktype@26.0.0 genson-js@0.0.8 >/dev/null)
  NM=$WORK/npm/node_modules
fi
SAMPLES=$WORK/samples OUT=$WORK/out
mkdir -p "$OUT"
python3 "$HERE/make_samples.py" "$SAMPLES"

echo "== whole-process time and peak RSS"
python3 "$HERE/timing.py" "$RUNS" "$SAMPLES" "$OUT" "$SF" "$NM" "$HERE/genson_cli.js"

echo "== accuracy"
python3 "$HERE/accuracy.py" "$SAMPLES" "$OUT"

echo "== large JSON Lines input (${JSONL_MB} MB of orders)"
count=$((JSONL_MB * 600))  # about 1.7 KB an order
python3 "$HERE/make_samples.py" --jsonl "$WORK/orders.jsonl" "$count"
ls -l "$WORK/orders.jsonl" | awk '{printf "input: %.1f MB, '"$count"' samples\n", $5/1e6}'
/usr/bin/time -v "$SF" infer --jsonl -o "$OUT/large.json" "$WORK/orders.jsonl" 2> "$OUT/large.time"
grep -E "Elapsed|User time|System time|Maximum resident" "$OUT/large.time"
