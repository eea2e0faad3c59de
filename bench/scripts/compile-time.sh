#!/usr/bin/env bash
# Compile time of one generated crate against the published bollard-stubs of the same API
# version, measured side by side in one run (debug, no incremental, the crate alone:
# dependencies are built first and only the crate itself is rebuilt and timed).
#
#   bench/scripts/compile-time.sh [ROUNDS]     (default 3; prints a Markdown table)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROUNDS="${1:-3}"
STUBS_VERSION="=1.53.1-rc.29.3.1"
W="$(mktemp -d /tmp/dockwright-compile-bench.XXXXXX)"
trap 'rm -rf "$W"' EXIT

mkdir -p "$W/peer/src" "$W/ours/src" "$W/models/src"
echo '' > "$W/peer/src/lib.rs"; echo '' > "$W/ours/src/lib.rs"; echo '' > "$W/models/src/lib.rs"
cat > "$W/Cargo.toml" <<TOML
[workspace]
resolver = "2"
members = ["peer", "ours", "models"]
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
time_crate() { # $1 = wrapper package, $2 = crate to rebuild
    # Clean the crate, then build the (empty) wrapper: the crate is rebuilt with exactly the
    # features the wrapper asks for. (`cargo build -p CRATE` would use CRATE's defaults.)
    CARGO_TARGET_DIR="$W/target-$1" cargo clean -q -p "$2" >/dev/null 2>&1
    /usr/bin/time -o "$W/time.txt" -f "%e %U %S" env CARGO_TARGET_DIR="$W/target-$1" cargo build -q -p "$1" >/dev/null 2>&1
    tail -1 "$W/time.txt"
}
for p in peer ours models; do build_deps "$p"; done

declare -A wall cpu
for p in peer ours models; do wall[$p]=""; cpu[$p]=""; done
for r in $(seq "$ROUNDS"); do
    for spec in "peer bollard-stubs" "ours dockwright-v1-53" "models dockwright-v1-53"; do
        set -- $spec
        read -r e u s < <(time_crate "$1" "$2")
        wall[$1]+="$e "; cpu[$1]+="$(echo "$u + $s" | bc) "
    done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
pw=$(echo "${wall[peer]}" | median); pc=$(echo "${cpu[peer]}" | median)
echo "| crate (debug, CARGO_INCREMENTAL=0, crate alone) | wall s (median of $ROUNDS) | user+sys s | ratio to bollard-stubs (wall) |"
echo "|---|---|---|---|"
echo "| bollard-stubs $STUBS_VERSION (models + query params) | $pw | $pc | 1.00 |"
for p in models ours; do
    w=$(echo "${wall[$p]}" | median); c=$(echo "${cpu[$p]}" | median)
    label="dockwright-v1-53 (models + filters, --no-default-features)"
    [[ $p == ours ]] && label="dockwright-v1-53 (models + filters + client, default features)"
    echo "| $label | $w | $c | $(echo "scale=2; $w / $pw" | bc) |"
done
echo "all rounds: peer=[${wall[peer]}] models=[${wall[models]}] ours=[${wall[ours]}]" >&2
