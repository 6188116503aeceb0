#!/usr/bin/env bash
# Builds and runs every test against a throwaway PostgreSQL, then prints one line: "N passed, N failed".
#   deploy/test.sh          every test (unit, grain, integration, UI, fault, SIP)
#   deploy/test.sh --fast   the inner loop: unit and grain tests only (categories Unit and Grain), no PostgreSQL,
#                           browser or peers; about a minute once built
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source deploy/pg.sh

fast=false
case "${1:-}" in
    --fast) fast=true ;;
    "") ;;
    *) echo "usage: deploy/test.sh [--fast]" >&2; exit 2 ;;
esac

# Shared by both loops: one summary line from dotnet test's per-project summaries.
summarize() {
    local log=$1 status=$2 passed failed
    # dotnet test prints one summary per test project: "Passed!  - Failed:     0, Passed:    26, ...".
    passed=$(grep -Eo 'Passed: +[0-9]+,' "$log" | awk '{ s += $2 } END { print s + 0 }')
    failed=$(grep -Eo 'Failed: +[0-9]+,' "$log" | awk '{ s += $2 } END { print s + 0 }')
    if [[ $status -ne 0 && $failed -eq 0 ]]; then
        failed=1
    fi
    echo "$passed passed, $failed failed"
}

if $fast; then
    # Unit tests are pure domain; grain tests run a TestingHost cluster on memory storage. Neither needs a database,
    # so nothing is started; npm is still needed because the web project embeds the UI's browser packages.
    ensure_packages npm:npm
    # Only the test project and what it references (not the benchmark console).
    dotnet build "$root/tests/SalesOrleans.Tests" -c Release -nologo -v q
    log=$(mktemp /tmp/salesorleans-fast.XXXXXX)
    status=0
    dotnet test "$root/tests/SalesOrleans.Tests" -c Release --no-build -nologo --filter "Category=Unit|Category=Grain" 2>&1 | tee "$log" || status=$?
    summarize "$log" "$status"
    rm -f "$log"
    exit $status
fi

pg_ensure_installed
# npm builds the UI's browser dependencies; Chromium runs the end-to-end tests.
ensure_packages npm:npm chromium:chromium
source deploy/peers.sh && peers_ensure_installed

work=$(mktemp -d /tmp/salesorleans-test.XXXXXX)
chmod 755 "$work"
port=${SALES_TEST_PG_PORT:-}
if [[ -z "$port" ]]; then
    # First free port from 55433 up (something else may already listen there).
    port=55433
    while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
fi

cleanup() {
    pg_stop "$work/pg/data" || true
    rm -rf "$work"
}
trap cleanup EXIT

# fsync off: this database is thrown away after the run (never for the run command or benchmarks).
pg_start "$work/pg/data" "$port" postgres fast
export SALES_SCREENSHOTS="$work/screenshots"
export SALES_TEST_PG="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50"

dotnet build "$root/SalesOrleans.sln" -c Release -nologo -v q

log="$work/test.log"
status=0
dotnet test "$root/SalesOrleans.sln" -c Release --no-build -nologo 2>&1 | tee "$log" || status=$?

summarize "$log" "$status"
exit $status
