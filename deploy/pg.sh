# shellcheck shell=bash
# PostgreSQL helpers for deploy/run.sh and deploy/test.sh. Source it; it only defines functions and is safe
# under `set -euo pipefail`.
#
#   pg_ensure_installed                    install PostgreSQL if missing, set PG_BIN
#   pg_start DATADIR PORT DBNAME [fast]    create the cluster if needed, start it, create DBNAME if missing
#   pg_stop DATADIR                        fast shutdown if running
#   pg_connstring PORT DBNAME              print the Npgsql connection string
#
# Layout for DATADIR=/x/y/data: cluster in /x/y/data, unix socket in /x/y/data.sock/, log in /x/y/pg.log.
# The server listens on 127.0.0.1 only, with trust auth (superuser "postgres", no password).
# PostgreSQL refuses to run as root, so as root the server runs as OS user "postgres" (created if missing);
# as any other user it runs as that user.

PG_BIN="${PG_BIN:-}"

_pg_err() {
    echo "pg.sh: $*" >&2
}

# Run a server-side command as the cluster owner. cd / so a cwd the owner cannot read (e.g. /root) is harmless.
_pg_as_owner() {
    if [[ $EUID -eq 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

_pg_newest_bin() {
    local dir best="" best_major=0 major
    for dir in /usr/lib/postgresql/*/bin; do
        [[ -x "$dir/initdb" ]] || continue
        major="${dir#/usr/lib/postgresql/}"
        major="${major%%/*}"
        [[ "$major" =~ ^[0-9]+$ ]] || continue
        if (( major > best_major )); then
            best_major=$major
            best=$dir
        fi
    done
    echo "$best"
}

pg_ensure_installed() {
    if [[ -z "$(_pg_newest_bin)" ]]; then
        if [[ $EUID -ne 0 ]]; then
            _pg_err "PostgreSQL is not installed and installing it needs root"
            return 1
        fi
        local log
        log=$(mktemp)
        if ! { DEBIAN_FRONTEND=noninteractive apt-get update -q \
            && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; } >"$log" 2>&1; then
            cat "$log" >&2
            rm -f "$log"
            _pg_err "apt-get install postgresql failed"
            return 1
        fi
        rm -f "$log"
    fi
    PG_BIN=$(_pg_newest_bin)
    if [[ -z "$PG_BIN" ]]; then
        _pg_err "no /usr/lib/postgresql/N/bin/initdb after install"
        return 1
    fi
    export PG_BIN
}

# As root: make sure user postgres exists and can traverse every parent of $1 (adds o+x where missing).
_pg_prepare_owner() {
    local dir=$1
    [[ $EUID -eq 0 ]] || return 0
    if ! id -u postgres >/dev/null 2>&1; then
        useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
    fi
    # Top-down, so each directory is checked once its own parents are reachable.
    local -a parents=()
    while [[ "$dir" != "/" ]]; do
        dir=$(dirname "$dir")
        parents=("$dir" "${parents[@]}")
    done
    for dir in "${parents[@]}"; do
        if ! runuser -u postgres -- test -x "$dir"; then
            chmod o+x "$dir"
            _pg_err "note: chmod o+x $dir so user postgres can reach the data directory"
        fi
    done
}

# 0 if a postmaster is running for DATADIR.
_pg_running() {
    local datadir=$1
    [[ -f "$datadir/postmaster.pid" ]] || return 1
    _pg_as_owner "$PG_BIN/pg_ctl" status -D "$datadir" >/dev/null 2>&1
}

pg_start() {
    if [[ $# -lt 3 || $# -gt 4 ]]; then
        _pg_err "usage: pg_start DATADIR PORT DBNAME [fast]"
        return 2
    fi
    local datadir port=$2 dbname=$3 mode=${4:-}
    if [[ -n "$mode" && "$mode" != "fast" ]]; then
        _pg_err "pg_start: 4th argument must be 'fast' or absent, got '$mode'"
        return 2
    fi
    if ! [[ "$port" =~ ^[0-9]+$ ]]; then
        _pg_err "pg_start: bad port '$port'"
        return 2
    fi
    if ! [[ "$dbname" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
        _pg_err "pg_start: database name must be a plain identifier, got '$dbname'"
        return 2
    fi
    [[ -n "$PG_BIN" ]] || pg_ensure_installed

    datadir=$(realpath -m -- "$1")
    if [[ "$datadir" == *"'"* || "$datadir" == *" "* ]]; then
        # pg_ctl passes -o through a shell; keep paths simple rather than fight quoting.
        _pg_err "pg_start: DATADIR must not contain spaces or quotes: $datadir"
        return 2
    fi
    local parent sockdir logfile
    parent=$(dirname "$datadir")
    sockdir="$datadir.sock"
    logfile="$parent/pg.log"

    mkdir -p "$parent"
    _pg_prepare_owner "$datadir"
    mkdir -p "$datadir" "$sockdir"
    touch "$logfile"
    if [[ $EUID -eq 0 ]]; then
        chown postgres:postgres "$datadir" "$sockdir" "$logfile"
    fi
    chmod 700 "$datadir"

    if [[ ! -f "$datadir/PG_VERSION" ]]; then
        if [[ -n "$(ls -A "$datadir")" ]]; then
            _pg_err "pg_start: $datadir is not empty and holds no cluster"
            return 1
        fi
        # C.UTF-8 when the system has it: byte-order collation, full Unicode character classes.
        local locale=C locales
        locales=$(locale -a 2>/dev/null || true)
        if grep -qix 'c\.utf-\?8' <<<"$locales"; then
            locale=C.UTF-8
        fi
        local out
        if ! out=$(_pg_as_owner "$PG_BIN/initdb" -D "$datadir" -U postgres --auth=trust \
            --encoding=UTF8 --locale="$locale" 2>&1); then
            echo "$out" >&2
            _pg_err "initdb failed for $datadir"
            return 1
        fi
    fi

    if _pg_running "$datadir"; then
        # Already up: make sure it is the port the caller will connect to.
        local running_port
        running_port=$(sed -n '4p' "$datadir/postmaster.pid")
        if [[ "$running_port" != "$port" ]]; then
            _pg_err "pg_start: $datadir is already running on port $running_port, not $port"
            return 1
        fi
    else
        local opts="-c listen_addresses=127.0.0.1 -p $port -k '$sockdir' -c max_connections=200"
        # PG_EXTRA_OPTS: more server settings for diagnosis, e.g. "-c log_checkpoints=on".
        opts+=" ${PG_EXTRA_OPTS:-}"
        if [[ "$mode" == "fast" ]]; then
            # Tests only: no durability.
            opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        fi
        if ! _pg_as_owner "$PG_BIN/pg_ctl" start -w -t 60 -D "$datadir" -l "$logfile" -o "$opts" >/dev/null; then
            tail -n 20 "$logfile" >&2 || true
            _pg_err "pg_ctl start failed for $datadir (log: $logfile)"
            return 1
        fi
    fi

    local exists
    if ! exists=$("$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$dbname'"); then
        _pg_err "pg_start: cannot connect to 127.0.0.1:$port"
        return 1
    fi
    if [[ "$exists" != "1" ]]; then
        "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres -E UTF8 "$dbname"
    fi
}

pg_stop() {
    if [[ $# -ne 1 ]]; then
        _pg_err "usage: pg_stop DATADIR"
        return 2
    fi
    local datadir
    datadir=$(realpath -m -- "$1")
    [[ -n "$PG_BIN" ]] || pg_ensure_installed
    if _pg_running "$datadir"; then
        _pg_as_owner "$PG_BIN/pg_ctl" stop -w -t 60 -m fast -D "$datadir" >/dev/null
    fi
}

pg_connstring() {
    if [[ $# -ne 2 ]]; then
        _pg_err "usage: pg_connstring PORT DBNAME"
        return 2
    fi
    echo "Host=127.0.0.1;Port=$1;Database=$2;Username=postgres;Pooling=true;Maximum Pool Size=100"
}

# Installs Debian packages that are missing (command name -> package), with one apt-get update for all of them.
ensure_packages() {
    local missing=() pair
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    if [[ $EUID -ne 0 ]]; then
        _pg_err "missing ${missing[*]}: install them (needs root)"
        return 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}
