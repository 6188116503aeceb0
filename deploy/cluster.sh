#!/usr/bin/env bash
# Starts N nodes on this machine as one Orleans cluster on one PostgreSQL (ADO.NET membership).
# Node i (0-based) serves HTTP on 5000+i, silo port 11111+i, gateway 30000+i. Logs in .data/cluster/node-i.log.
# Usage: deploy/cluster.sh [N=3]    Ctrl+C stops every node (and the local PostgreSQL, if this script started it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
count=${1:-3}
[[ "$count" =~ ^[1-9][0-9]?$ ]] || { echo "usage: deploy/cluster.sh [N]" >&2; exit 2; }
source deploy/pg.sh

data=${SALES_DATA_DIR:-$root/.data}
if [[ -z "${ConnectionStrings__Sales:-}" ]]; then
    pg_ensure_installed
    port=${SALES_PG_PORT:-55432}
    pg_start "$data/pg/data" "$port" salesorleans
    export ConnectionStrings__Sales="$(pg_connstring "$port" salesorleans)"
    stop_pg=1
fi

ensure_packages npm:npm
dotnet build "$root/silo/SalesOrleans.Silo.csproj" -c Release -nologo -v q
mkdir -p "$data/cluster"
pids=()
stop() {
    trap - INT TERM EXIT
    echo "stopping ${#pids[@]} node(s)"
    # SIGTERM: each node drains (in-flight requests finish, grains deactivate) and leaves the cluster cleanly.
    kill -TERM "${pids[@]}" 2>/dev/null || true
    # PostgreSQL must outlive the nodes: a draining node still writes its membership row and grain state.
    local pid
    for pid in "${pids[@]}"; do
        for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    if [[ -n "${stop_pg:-}" ]]; then pg_stop "$data/pg/data"; fi
}
trap stop INT TERM EXIT

cd "$root/silo/bin/Release/net10.0"
for ((i = 0; i < count; i++)); do
    # Only the first node seeds the demo, so nodes starting together do not race to create it.
    dotnet SalesOrleans.Silo.dll --urls "http://127.0.0.1:$((5000 + i))" \
        --Node:SiloPort=$((11111 + i)) --Node:GatewayPort=$((30000 + i)) \
        --Seed:DemoDeals=$([[ $i -eq 0 ]] && echo true || echo false) --Demo:Enabled=true --environment Demo \
        >"$data/cluster/node-$i.log" 2>&1 &
    pids+=($!)
    echo "node $i: http://127.0.0.1:$((5000 + i))  (pid $!, log $data/cluster/node-$i.log)"
done

for ((i = 0; i < count; i++)); do
    for _ in $(seq 1 120); do
        curl -fs "http://127.0.0.1:$((5000 + i))/health/ready" >/dev/null 2>&1 && break
        kill -0 "${pids[$i]}" 2>/dev/null || { echo "node $i exited; see $data/cluster/node-$i.log" >&2; exit 1; }
        sleep 1
    done
done
echo "all $count nodes ready; the Orleans dashboard (admin) on any node shows them all. Ctrl+C stops the cluster."
wait
