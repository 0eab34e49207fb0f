#!/usr/bin/env bash
# Generated code vs quicktype 26's C++: parse and serialize the same orders file in one process.
# Usage: bench/codegen/run.sh [MB=10] [ITERATIONS=10]
# Env: QT=<quicktype binary> (default: npm install quicktype@26.0.0 into a temp dir),
#      SCHEMAFORGE=<cli> (default build/bin/schemaforge), CXX (default g++).
# Prints wall times (best and median of ITERATIONS), then, when valgrind is installed, the
# instructions each path executes on a 1 MB file (callgrind; repeatable on a loaded machine).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="${SCHEMAFORGE_SHARED_DIR:-$root/../shared}"
peer="$shared/bench-peers/codegen/rt"
mb="${1:-10}"
iterations="${2:-10}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

qt="${QT:-}"
if [ -z "$qt" ]; then
  (cd "$work" && npm install --silent --no-audit --no-fund --prefix "$work/npm" quicktype@26.0.0 >/dev/null)
  qt="$work/npm/node_modules/.bin/quicktype"
fi
"$qt" --lang c++ --src-lang schema --top-level Order --namespace rtqt --include-location global-include \
  --code-format with-struct -o "$work/order_qt.hpp" "$peer/order_rt.json"
"${SCHEMAFORGE:-$root/build/bin/schemaforge}" generate "$peer/order_rt.json" -o "$work/sf" --namespace sf
cp "$work/sf/order_rt.hpp" "$work/order_sf.hpp"

python3 "$peer/gen_orders.py" "$work/orders.json" "$((mb * 1000000))" >/dev/null
python3 "$peer/gen_orders.py" "$work/orders_1mb.json" 1000000 >/dev/null
"${CXX:-g++}" -std=c++17 -O2 -DNDEBUG -I"$work" "$here/rt_compare.cpp" -o "$work/rt_compare"

echo "== wall time, $mb MB"
"$work/rt_compare" "$work/orders.json" "$iterations"

if command -v valgrind >/dev/null; then
  echo "== instructions (callgrind), 1 MB, setup subtracted"
  count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$work/rt_compare" "$work/orders_1mb.json" 1 "$1" 2>&1 >/dev/null |
      sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
  }
  base="$(count none)"
  for path in dom.parse qt.parse sf.parse sf.direct qt.serialize sf.serialize sf.dump; do
    n="$(count "$path")"
    printf '%-13s %12d instructions\n' "$path" "$((n - base))"
  done
fi
