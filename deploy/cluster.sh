#!/usr/bin/env bash
# N nodes on this machine as one Orleans cluster on one PostgreSQL (ADO.NET membership).
# Node i (1..N) serves HTTP on 5000+i, the silo on 11111+i and the gateway on 30000+i (deploy/run.sh keeps 5000 for
# itself); its log is .data/cluster/node-i.log, its pid .data/cluster/node-i.pid.
#
#   deploy/cluster.sh [N=3]     start N nodes and wait; Ctrl+C (or SIGTERM) stops every node of the cluster, then the
#                               local PostgreSQL if this script started it
#   deploy/cluster.sh stop I    stop node I (SIGTERM: it drains and leaves the membership), e.g. for a rolling restart
#   deploy/cluster.sh start I   start node I again (in the background; the first command's Ctrl+C stops it too)
#   deploy/cluster.sh stop      stop every node, then the local PostgreSQL (from any terminal)
#   deploy/cluster.sh status    which nodes run, and whether the local PostgreSQL does
#
# PostgreSQL is stopped only when no node of the cluster runs any more. With ConnectionStrings__Sales set the nodes use
# that database and no local PostgreSQL is started or stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source deploy/pg.sh

data=${SALES_DATA_DIR:-$root/.data}
run_dir="$data/cluster"
pg_port=${SALES_PG_PORT:-55432}
mkdir -p "$run_dir"
# Decided once, before connection() exports the local database's connection string for the nodes.
local_pg=$([[ -z "${ConnectionStrings__Sales:-}" ]] && echo 1 || true)

pid_of() { cat "$run_dir/node-$1.pid" 2>/dev/null || true; }
alive() { local pid; pid=$(pid_of "$1"); [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; }
nodes() { local f; for f in "$run_dir"/node-*.pid; do if [[ -e "$f" ]]; then f=${f##*/node-}; echo "${f%.pid}"; fi; done; return 0; }
any_alive() { local i; for i in $(nodes); do alive "$i" && return 0; done; return 1; }

# The local PostgreSQL, unless the nodes are given another: stopped only once no node of the cluster runs.
stop_pg_when_idle() {
    [[ -n "$local_pg" ]] || return 0
    if any_alive; then
        echo "a node of the cluster still runs: PostgreSQL is left running" >&2
    else
        pg_stop "$data/pg/data"
        echo "PostgreSQL stopped"
    fi
}

connection() {
    if [[ -n "$local_pg" ]]; then
        pg_ensure_installed
        pg_start "$data/pg/data" "$pg_port" salesorleans
        export ConnectionStrings__Sales="$(pg_connstring "$pg_port" salesorleans)"
        started_pg=1
    fi
}

start_node() {
    local i=$1 seed_deals=${2:-false}
    if alive "$i"; then
        echo "node $i already runs (pid $(pid_of "$i"))"
        return 0
    fi
    (
        cd "$root/silo/bin/Release/net10.0"
        # Its own session: a Ctrl+C in this terminal reaches the node only through stop_cluster (which drains it).
        exec setsid dotnet SalesOrleans.Silo.dll --urls "http://127.0.0.1:$((5000 + i))" \
            --Node:SiloPort=$((11111 + i)) --Node:GatewayPort=$((30000 + i)) \
            --Seed:DemoDeals="$seed_deals" --Demo:Enabled=true --environment Demo >>"$run_dir/node-$i.log" 2>&1
    ) &
    echo $! >"$run_dir/node-$i.pid"
    echo "node $i: http://127.0.0.1:$((5000 + i))  (pid $!, log $run_dir/node-$i.log)"
}

wait_ready() {
    local i=$1
    for _ in $(seq 1 120); do
        curl -fs "http://127.0.0.1:$((5000 + i))/health/ready" >/dev/null 2>&1 && return 0
        alive "$i" || { echo "node $i exited; see $run_dir/node-$i.log" >&2; return 1; }
        sleep 1
    done
    echo "node $i not ready after 120 s; see $run_dir/node-$i.log" >&2
    return 1
}

# SIGTERM, then up to 60 s to drain (in-flight requests finish, grains deactivate, the node leaves the membership).
stop_node() {
    local i=$1 pid
    pid=$(pid_of "$i")
    if ! alive "$i"; then
        rm -f "$run_dir/node-$i.pid"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$run_dir/node-$i.pid"
    echo "node $i stopped"
}

case "${1:-}" in
    stop)
        if [[ -z "${2:-}" ]]; then
            for i in $(nodes); do stop_node "$i" & done
            wait
            stop_pg_when_idle
            exit 0
        fi
        [[ "$2" =~ ^[1-9][0-9]?$ ]] || { echo "usage: deploy/cluster.sh stop [I]" >&2; exit 2; }
        stop_node "$2"
        exit 0
        ;;
    start)
        [[ "${2:-}" =~ ^[1-9][0-9]?$ ]] || { echo "usage: deploy/cluster.sh start I" >&2; exit 2; }
        connection
        start_node "$2"
        wait_ready "$2"
        echo "node $2 ready"
        exit 0
        ;;
    status)
        for i in $(nodes); do
            if alive "$i"; then echo "node $i: running (pid $(pid_of "$i")), http://127.0.0.1:$((5000 + i))"; else echo "node $i: stopped"; fi
        done
        any_alive || echo "no node runs"
        if [[ -n "$local_pg" ]]; then
            PG_BIN=${PG_BIN:-$(_pg_newest_bin)}
            if [[ -n "$PG_BIN" ]] && _pg_running "$(realpath -m "$data/pg/data")"; then echo "PostgreSQL: running on 127.0.0.1:$pg_port"; else echo "PostgreSQL: stopped"; fi
        fi
        exit 0
        ;;
esac

count=${1:-3}
[[ "$count" =~ ^[1-9][0-9]?$ ]] || { echo "usage: deploy/cluster.sh [N] | stop I | start I | status" >&2; exit 2; }
connection
ensure_packages npm:npm
dotnet build "$root/silo/SalesOrleans.Silo.csproj" -c Release -nologo -v q

stop_cluster() {
    trap - INT TERM EXIT
    local i
    for i in $(nodes); do stop_node "$i" & done
    wait
    # PostgreSQL must outlive the nodes: a draining node still writes its membership row and grain state.
    [[ -z "${started_pg:-}" ]] || stop_pg_when_idle
}
trap stop_cluster INT TERM HUP EXIT

for ((i = 1; i <= count; i++)); do
    # Only the first node seeds the demo deals, so nodes starting together do not race to create them.
    start_node "$i" "$([[ $i -eq 1 ]] && echo true || echo false)"
done
for ((i = 1; i <= count; i++)); do
    wait_ready "$i"
done
echo "all $count nodes ready; the Orleans dashboard (admin) on any node shows them all."
echo "deploy/cluster.sh stop I / start I restarts one node; Ctrl+C here (or deploy/cluster.sh stop) stops the cluster."
# Until no node of the cluster runs (nodes stopped and started again with stop/start count too).
while any_alive; do sleep 1; done
