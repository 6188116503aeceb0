#!/usr/bin/env bash
# Starts the whole system with a usable demo: a local PostgreSQL (unless ConnectionStrings__Sales is set),
# the schema, demo data on first start, and the node on http://127.0.0.1:5000 (dashboard at /dashboard).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
urls=${SALES_URLS:-http://127.0.0.1:5000}
source deploy/pg.sh
# This script runs the demo: demo people, token and PBX key exist only when asked for, and never in Production.
export Demo__Enabled=${Demo__Enabled:-true} ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Demo}

if [[ -z "${ConnectionStrings__Sales:-}" ]]; then
    pg_ensure_installed
    data=${SALES_DATA_DIR:-$root/.data}
    port=${SALES_PG_PORT:-55432}
    pg_start "$data/pg/data" "$port" salesorleans
    trap 'pg_stop "$data/pg/data"' EXIT
    export ConnectionStrings__Sales="$(pg_connstring "$port" salesorleans)"
    echo "PostgreSQL: 127.0.0.1:$port, data in $data/pg (kept between runs)"
fi

ensure_packages npm:npm
dotnet build "$root/silo/SalesOrleans.Silo.csproj" -c Release -nologo -v q

cat <<INFO

SalesOrleans is starting on $urls
  Web board:       $urls/  (log in as a demo user below)
  API (OpenAPI):   $urls/openapi/v1.json
  Orleans dashboard (admin): $urls/dashboard
  Health:          $urls/health/ready

Demo users (password for all: demo):
  admin                      admin
  s.volkov, e.keller, o.smirnova   supervisors (industrial, training, projects)
  i.petrov, m.sokolova       managers, industrial equipment
  k.weber, l.braun           managers, training and consulting
  a.ivanova, d.orlov         managers, projects and ERP
  t.engineer, w.lager, n.marketing   engineer, warehouse, marketer
Demo API token (integrations): so_demo_integration_token   (Authorization: Bearer ...)

Log in:  curl -c jar -H 'Content-Type: application/json' -d '{"userName":"i.petrov","password":"demo"}' $urls/api/auth/login
Deals:   curl -b jar $urls/api/deals
Writes with the cookie send the token from $urls/api/auth/csrf in X-CSRF-TOKEN (see the README).
Stop with Ctrl+C.

INFO

cd "$root/silo/bin/Release/net10.0"
# The node runs as a child so that PostgreSQL can be stopped after it; SIGTERM and SIGINT (a supervisor's stop, Ctrl+C)
# are passed on as SIGTERM, on which the node drains and exits, and this script exits with the node's status.
dotnet SalesOrleans.Silo.dll --urls "$urls" "$@" &
node=$!
trap 'kill -TERM "$node" 2>/dev/null || true' TERM INT
# wait returns early when a signal arrives: keep waiting until the node has drained, then take its exit status.
while kill -0 "$node" 2>/dev/null; do wait "$node" || true; done
status=0
wait "$node" || status=$?
exit "$status"
