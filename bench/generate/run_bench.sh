#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `schemaforge generate` vs quicktype 26's C++ output, whole process, on the codegen peers' 15
# schemas (../shared/bench-peers/codegen/schemas): one process per schema, and 100 schemas in one
# call. Run it on an otherwise idle machine.
# Usage: bench/generate/run_bench.sh [RUNS]
#   env SCHEMAFORGE=<Release schemaforge binary> (default: build/bin/schemaforge)
#       NM=<node_modules holding quicktype@26.0.0> (default: npm install into a temp dir)
set -euo pipefail
RUNS=${1:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SF=${SCHEMAFORGE:-$ROOT/build/bin/schemaforge}
[ -x "$SF" ] || { echo "build schemaforge first (Release): $SF" >&2; exit 2; }
SCHEMAS=$ROOT/../shared/bench-peers/codegen/schemas
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ -z "${NM:-}" ]; then
  (cd "$WORK" && npm install --silent --no-audit --no-fund --prefix "$WORK/npm" quicktype@26.0.0 >/dev/null)
  NM=$WORK/npm/node_modules
fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$HERE/timing.py" "$RUNS" "$SCHEMAS" "$WORK" "$SF" "$NM/.bin/quicktype"
