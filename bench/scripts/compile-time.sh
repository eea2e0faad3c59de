#!/usr/bin/env bash
# Compile time of one generated crate against bollard, measured side by side in one run
# (debug, no incremental, the crates alone: dependencies are built first and only the
# timed crates are cleaned and rebuilt), rounds interleaved, medians:
#   - the whole client: bollard 0.21 + bollard-stubs against dockwright-v1-53 + runtime;
#   - models only: bollard-stubs (no default features) against dockwright-v1-53 without
#     its `client` feature (the runtime is then not rebuilt: it is a dependency there).
# The scratch workspace starts from this repository's Cargo.lock, so both sides build the
# dependency versions the repository tests with.
#
#   bench/scripts/compile-time.sh [ROUNDS]     (default 3; prints Markdown tables)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROUNDS="${1:-3}"
STUBS_VERSION="=1.53.1-rc.29.3.1"
BOLLARD_VERSION="=0.21.1"
W="$(mktemp -d /tmp/dockwright-compile-bench.XXXXXX)"
trap 'rm -rf "$W"' EXIT

PACKAGES="peer ours models bollard-client"
for p in $PACKAGES; do mkdir -p "$W/$p/src"; echo '' > "$W/$p/src/lib.rs"; done
cat > "$W/Cargo.toml" <<TOML
[workspace]
resolver = "2"
members = ["peer", "ours", "models", "bollard-client"]
TOML
cp "$ROOT/Cargo.lock" "$W/Cargo.lock"
cat > "$W/bollard-client/Cargo.toml" <<TOML
[package]
name = "bollard-client"
version = "0.0.0"
edition = "2021"
[dependencies]
bollard = "$BOLLARD_VERSION"
TOML
cat > "$W/peer/Cargo.toml" <<TOML
[package]
name = "peer"
version = "0.0.0"
edition = "2021"
[dependencies]
bollard-stubs = { version = "$STUBS_VERSION", default-features = false }
TOML
cat > "$W/ours/Cargo.toml" <<TOML
[package]
name = "ours"
version = "0.0.0"
edition = "2021"
[dependencies]
dockwright-v1-53 = { path = "$ROOT/generated/v1_53" }
TOML
cat > "$W/models/Cargo.toml" <<TOML
[package]
name = "models"
version = "0.0.0"
edition = "2021"
[dependencies]
dockwright-v1-53 = { path = "$ROOT/generated/v1_53", default-features = false }
TOML

export CARGO_TARGET_DIR="$W/target" CARGO_INCREMENTAL=0
cd "$W"
# Separate target dirs per configuration: the feature sets of dockwright-v1-53 differ.
build_deps() { CARGO_TARGET_DIR="$W/target-$1" cargo build -q -p "$1" >/dev/null 2>&1; }
time_crate() { # $1 = wrapper package, $2... = crates to rebuild
    # Clean the crates, then build the (empty) wrapper: they are rebuilt with exactly the
    # features the wrapper asks for. (`cargo build -p CRATE` would use CRATE's defaults.)
    local wrapper="$1"; shift
    local p; for p in "$@"; do
        CARGO_TARGET_DIR="$W/target-$wrapper" cargo clean -q -p "$p" >/dev/null 2>&1
    done
    set -- "$wrapper"
    /usr/bin/time -o "$W/time.txt" -f "%e %U %S" env CARGO_TARGET_DIR="$W/target-$1" cargo build -q -p "$1" >/dev/null 2>&1
    tail -1 "$W/time.txt"
}
for p in $PACKAGES; do build_deps "$p"; done
echo "load average before the rounds: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

declare -A wall cpu
for p in $PACKAGES; do wall[$p]=""; cpu[$p]=""; done
for r in $(seq "$ROUNDS"); do
    for spec in "bollard-client bollard bollard-stubs" "ours dockwright-v1-53 dockwright-runtime" \
        "peer bollard-stubs" "models dockwright-v1-53"; do
        set -- $spec
        read -r e u s < <(time_crate "$@")
        wall[$1]+="$e "; cpu[$1]+="$(echo "$u + $s" | bc) "
    done
    echo "round $r done, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
row() { # $1 = label, $2 = package, $3 = reference package
    local w c rw rc
    w=$(echo "${wall[$2]}" | median); c=$(echo "${cpu[$2]}" | median)
    rw=$(echo "${wall[$3]}" | median); rc=$(echo "${cpu[$3]}" | median)
    echo "| $1 | $w | $c | $(echo "scale=2; $w / $rw" | bc) | $(echo "scale=2; $c / $rc" | bc) |"
}
echo "| crates rebuilt (debug, CARGO_INCREMENTAL=0) | wall s (median of $ROUNDS) | user+sys s | ratio (wall) | ratio (user+sys) |"
echo "|---|---|---|---|---|"
row "bollard $BOLLARD_VERSION + bollard-stubs (the whole client)" bollard-client bollard-client
row "dockwright-v1-53 + dockwright-runtime (the whole client)" ours bollard-client
row "bollard-stubs $STUBS_VERSION, no default features (models + query params)" peer peer
row "dockwright-v1-53, --no-default-features (models + typed filters)" models peer
echo "all rounds (wall s): bollard=[${wall[bollard-client]}] ours=[${wall[ours]}] stubs=[${wall[peer]}] models=[${wall[models]}]" >&2
