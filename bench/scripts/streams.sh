#!/usr/bin/env bash
# Streaming benchmarks (figures go into BENCHMARKS.md, section "Streams"):
#   1. multiplexed log decoding of a canned stream over a unix socket: dockwright-v1-41
#      against bollard 0.21 and a raw read loop of the same socket, in one run;
#   2. 50 MB of logs from a real engine: client CPU of dockwright-v1-41 against bollard.
#
#   bench/scripts/streams.sh [MIB_CANNED] [ROUNDS]     (defaults 128 and 7)
#
# The real-engine part needs an engine: DOCKER_HOST=unix://..., or the 28.5 engine of
# tests/engines/engines.sh (its state/env is read when present); skipped otherwise.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
MIB="${1:-128}"
ROUNDS="${2:-7}"

cargo build --release --quiet -p dockwright-bench --bin logs_throughput --bin logs_cpu

echo "## canned multiplexed stream over a unix socket"
echo
"${CARGO_TARGET_DIR:-target}"/release/logs_throughput "$MIB" "$ROUNDS"
echo

if [[ -z "${DOCKER_HOST:-}" && -f tests/engines/state/env ]]; then
    set -a
    # shellcheck disable=SC1091
    . tests/engines/state/env
    set +a
    DOCKER_HOST="${DOCKWRIGHT_ENGINE_28:-}"
fi
if [[ "${DOCKER_HOST:-}" == unix://* ]]; then
    echo "## 50 MB of logs from a real engine"
    echo
    DOCKER_HOST="$DOCKER_HOST" "${CARGO_TARGET_DIR:-target}"/release/logs_cpu 50 3
else
    echo "(no unix:// engine in DOCKER_HOST: real-engine benchmark skipped)"
fi
