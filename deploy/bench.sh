#!/usr/bin/env bash
# Benchmarks, against a durable PostgreSQL (fsync and synchronous_commit on) that this script starts:
#   deploy/bench.sh deals [seconds per run]   durable deal commands at 1, 8 and 32 clients vs. the raw single-row
#                                             upsert ceiling of the same PostgreSQL, in one run
#   deploy/bench.sh deadlines [deals=20000] [due=1000] [active=100] [window s=60] [--nodes 3]
#                                             open deals with deadlines (loaded by SQL; 1000000 for the issue's size):
#                                             due-work scan, overdue latency asleep/active, memory, node start
#   deploy/bench.sh live [seconds per rate] [--clients-apart] [--nodes 3]   1,000 SignalR clients and the board query over
#                                             10,000 open deals; with --nodes a cluster, commands and clients spread over it
#   deploy/bench.sh analytics [closed] [open] funnel, bottleneck, lost and manager reports, the win-probability refresh and
#                                             a CSV export over 1,000,000 closed and 100,000 open generated deals
#   deploy/bench.sh calls [seconds per row]     PBX events through the webhook's HTTP path, durable before the reply: one
#                                             sequential sender, and 8 senders offered 1,200 events/s, vs. the
#                                             single-row upsert ceiling at 1 and 8 clients, in one run
#   deploy/bench.sh soak [minutes=10] [window s] a node process under mixed load at 70 % of its measured maximum:
#                                             throughput, p50/p99 and resident memory per window, last vs first
# With ConnectionStrings__Sales set it uses that database instead.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bench=${1:-deals}
shift || true

if [[ -z "${ConnectionStrings__Sales:-}" ]]; then
    source deploy/pg.sh
    pg_ensure_installed
    work=$(mktemp -d /tmp/salesorleans-bench.XXXXXX)
    chmod 755 "$work"
    port=55470
    while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
    trap 'pg_stop "$work/pg/data"; rm -rf "$work"' EXIT
    pg_start "$work/pg/data" "$port" bench
    export ConnectionStrings__Sales="$(pg_connstring "$port" bench)"
fi

dotnet build "$root/tests/SalesOrleans.Benchmarks/SalesOrleans.Benchmarks.csproj" -c Release -nologo -v q
cd "$root/tests/SalesOrleans.Benchmarks/bin/Release/net10.0"
dotnet SalesOrleans.Benchmarks.dll "$ConnectionStrings__Sales" "$bench" "$@"
