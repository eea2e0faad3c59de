#!/usr/bin/env bash
# Client CPU per request (BENCHMARKS.md, section "Client CPU per request"): 1000
# sequential container lists of ~20 containers by dockwright-v1-45 and by bollard 0.21 on
# the same engine in the same process, user+sys CPU from getrusage, release build.
#
#   bench/run.sh [CALLS] [ROUNDS] [CONTAINERS] [RUNS]      (defaults 1000 7 20 3)
#
# Uses $DOCKER_HOST when it is a unix:// address, else the 26.1 engine of
# tests/engines/engines.sh, started here (and stopped again) when it is not running.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CALLS="${1:-1000}"
ROUNDS="${2:-7}"
CONTAINERS="${3:-20}"
RUNS="${4:-3}"

if [[ "${DOCKER_HOST:-}" != unix://* ]]; then
    status="$(bash tests/engines/engines.sh status || true)"  # non-zero when an engine is down
    if ! grep -q '^e261 *up' <<<"$status"; then
        bash tests/engines/engines.sh up
        trap 'bash tests/engines/engines.sh down --started' EXIT
    fi
    set -a
    # shellcheck disable=SC1091
    . tests/engines/state/env
    set +a
    DOCKER_HOST="$DOCKWRIGHT_ENGINE_26_1"
fi

cargo build --release --quiet -p dockwright-bench --bin list_containers
echo "machine: $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq 1 "$RUNS"); do
    echo
    echo "## run $run"
    echo
    DOCKER_HOST="$DOCKER_HOST" "${CARGO_TARGET_DIR:-target}"/release/list_containers "$CALLS" "$ROUNDS" "$CONTAINERS"
done
