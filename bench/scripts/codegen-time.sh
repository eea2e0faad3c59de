#!/usr/bin/env bash
# Wall and CPU time of generating all 31 versions (in memory, compared with generated/).
#   bench/scripts/codegen-time.sh [ROUNDS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export DOCKER_ENGINE_SPECS="${DOCKER_ENGINE_SPECS:-$ROOT/../shared/engine-api}"
cargo build -q -p xtask
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "${1:-3}"); do
    /usr/bin/time -f "%e s wall, %U s user, %S s sys" "${CARGO_TARGET_DIR:-target}"/debug/xtask codegen --check 2>&1 | tail -1
done
