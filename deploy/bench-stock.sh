#!/usr/bin/env bash
# Stock reservation benchmark: the stock item grain against a SELECT … FOR UPDATE row-lock baseline, on one hot SKU
# and spread over 10,000 SKUs, every reply durable. Starts its own throwaway PostgreSQL with full durability (fsync
# and synchronous_commit on: never the test script's 'fast' mode) and removes it afterwards.
# Extra arguments go to the benchmark: --concurrency 64 --seconds 10 --warmup 3 --skus 10000 --open 16
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source deploy/pg.sh

pg_ensure_installed

work=$(mktemp -d /tmp/salesorleans-bench.XXXXXX)
chmod 755 "$work"
port=${SALES_BENCH_PG_PORT:-}
if [[ -z "$port" ]]; then
    # First free port from 55460 up (below are the run, test and other engineers' servers).
    port=55460
    while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
fi

cleanup() {
    pg_stop "$work/pg/data" || true
    rm -rf "$work"
}
trap cleanup EXIT

pg_start "$work/pg/data" "$port" bench
echo "PostgreSQL on 127.0.0.1:$port: fsync=$(psql -X -h 127.0.0.1 -p "$port" -U postgres -d bench -tAc 'SHOW fsync'), synchronous_commit=$(psql -X -h 127.0.0.1 -p "$port" -U postgres -d bench -tAc 'SHOW synchronous_commit')"

dotnet build "$root/tests/SalesOrleans.Benchmarks/SalesOrleans.Benchmarks.csproj" -c Release -nologo -v q
dotnet "$root/tests/SalesOrleans.Benchmarks/bin/Release/net10.0/SalesOrleans.Benchmarks.dll" \
    --connection "Host=127.0.0.1;Port=$port;Database=bench;Username=postgres;Pooling=true;Maximum Pool Size=100" "$@"
