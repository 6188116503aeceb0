#!/usr/bin/env bash
# The suite from fresh clones while CPU hogs run beside it: the flakiness check of docs/testing.md.
#   deploy/test-under-load.sh [RUNS] [HOGS]     default 5 runs, 2 hogs (busy loops at normal priority)
# Each run clones the current commit into a temp dir, runs .ci/run there (the README's test command) and prints one
# line: run, commit, result, minutes, load average. Logs stay in /tmp/under-load/run-N.log. Exit status: failed runs.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
hogs=${2:-2}
out=/tmp/under-load
mkdir -p "$out"

hog_pids=()
stop_hogs() {
    for pid in "${hog_pids[@]}"; do kill "$pid" 2>/dev/null; done
    hog_pids=()
}
trap stop_hogs EXIT

failed=0
for run in $(seq 1 "$runs"); do
    dir=$(mktemp -d /tmp/under-load-clone.XXXXXX)
    git clone -q . "$dir"
    commit=$(git -C "$dir" rev-parse --short HEAD)
    for _ in $(seq 1 "$hogs"); do
        bash -c 'while :; do :; done' &
        hog_pids+=($!)
    done
    start=$(date +%s)
    (cd "$dir" && CI=true bash .ci/run) >"$out/run-$run.log" 2>&1
    status=$?
    minutes=$(( ($(date +%s) - start + 30) / 60 ))
    stop_hogs
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out/run-$run.log" | tail -1)
    if [[ $status -ne 0 ]]; then failed=$((failed + 1)); fi
    echo "run $run/$runs at $commit with $hogs hogs: ${summary:-no summary} (exit $status), $minutes min, load $load"
    if [[ $status -ne 0 ]]; then
        grep -E '^\s+Failed [A-Za-z0-9_.]+ \[' "$out/run-$run.log" | sort -u | head -20
    fi
    rm -rf "$dir"
done
exit $failed
