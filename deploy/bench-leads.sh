#!/usr/bin/env bash
# Lead figures (issue 3): PostgreSQL ceiling, queue assignments/s, intake leads/s, telephony webhook at rising rates.
# PostgreSQL runs with fsync on (honest figures). Prints the figures at the end.
#   deploy/bench-leads.sh --webhook-new   only the webhook with new callers at 50/100/200/300 calls/s (after the warm-up)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source deploy/pg.sh

pg_ensure_installed
work=$(mktemp -d /tmp/salesorleans-bench.XXXXXX)
chmod 755 "$work"
port=${SALES_BENCH_PG_PORT:-55462}
cleanup() {
    pg_stop "$work/pg/data" || true
    rm -rf "$work"
}
trap cleanup EXIT

pg_start "$work/pg/data" "$port" postgres
export SALES_TEST_PG="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=100"
export SALES_BENCH=1 SALES_BENCH_OUT="$work/figures.txt"
if [[ "${1:-}" == "--webhook-new" ]]; then
    export SALES_BENCH_ONLY=webhook-new
fi
dotnet build "$root/tests/SalesOrleans.Tests" -c Release -nologo -v q
dotnet test "$root/tests/SalesOrleans.Tests" -c Release --no-build -nologo --filter "FullyQualifiedName~LeadBenchmarks" >"$work/test.log" 2>&1 || { cat "$work/test.log"; exit 1; }
cat "$SALES_BENCH_OUT"
