#!/usr/bin/env bash
# The one command that runs every test of dockwright (README.md names it; .ci/run calls it).
#
# It installs and starts what the tests need (Debian packages, three real Docker engines
# and a TLS endpoint, see tests/engines/engines.sh; a registry on 127.0.0.1:5000, see
# tests/registry/registry.sh; a three-node swarm in network namespaces, see
# tests/swarm/swarm.sh; Podman's Docker-compatible service, see tests/podman/podman.sh),
# runs the checks and tests, and stops what it started,
# whatever the outcome.
#
# Specs are read from $DOCKER_ENGINE_SPECS, default ../shared/engine-api beside the checkout.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"

export DOCKER_ENGINE_SPECS="${DOCKER_ENGINE_SPECS:-$ROOT/../shared/engine-api}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
[[ -f "$DOCKER_ENGINE_SPECS/v1.25.yaml" ]] || {
    echo "no spec files in $DOCKER_ENGINE_SPECS (set DOCKER_ENGINE_SPECS, or run: cargo xtask fetch-specs && export DOCKER_ENGINE_SPECS=$ROOT/spec/cache)" >&2
    exit 1
}

step() { printf '\n==> %s (%ss)\n' "$*" "$SECONDS" >&2; }

# Formatting first: it needs no build and no daemon. Generated files opt out with
# `#![cfg_attr(rustfmt, rustfmt::skip)]` (prettyplease lays them out; see codegen/src/emit).
step "cargo fmt --all --check"
cargo fmt --all --check

# Everything started here is stopped on exit, whatever the outcome (each script stops
# only what its own `up` started, by pid).
stop_all() {
    step "stopping the swarm nodes, Podman, the registry and the Docker engines"
    bash tests/swarm/swarm.sh down || true
    bash tests/podman/podman.sh down --started || true
    bash tests/registry/registry.sh down --started || true
    bash tests/engines/engines.sh down --started
}
trap stop_all EXIT

# One after another: the first three may install Debian packages (one dpkg lock), and
# the swarm nodes run the 28.x tree the engines' script unpacks.
step "starting the Docker engines"
bash tests/engines/engines.sh up
step "starting the registry on 127.0.0.1:5000"
bash tests/registry/registry.sh up
step "starting Podman's Docker-compatible service"
bash tests/podman/podman.sh up
step "starting the three swarm nodes"
bash tests/swarm/swarm.sh up
set -a
# shellcheck disable=SC1091
. tests/engines/state/env
# shellcheck disable=SC1091
. tests/registry/state/env
# shellcheck disable=SC1091
. tests/swarm/state/env
# shellcheck disable=SC1091
. tests/podman/state/env
set +a

step "generated/ is fresh"
cargo xtask codegen --check

step "clippy over the workspace, all 31 generated crates included"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "the models build without the client feature"
cargo check --quiet -p dockwright-v1-25 -p dockwright-v1-55 --no-default-features

# -D warnings includes rustdoc::broken-intra-doc-links, so this also proves that the 31
# crates' links into the runtime (Body, Error::VersionTooNew, LogFrame ...) resolve: rustdoc
# resolves a link the same way with or without --no-deps (checked by planting a link to a
# missing runtime item in v1.41: this step fails on it). Documenting the dependencies too,
# as `cargo doc -p dockwright-v1-41` does, took 5-10 minutes of CI and checked nothing more.
step "rustdoc over the workspace, warning-free, every intra-doc link resolved"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet

step "cargo package: the runtime and all 31 crates package together; the runtime and v1.41 verify (built from their .crate files)"
# cargo verifies the crates against a local registry of the .crate files it just wrote, and
# unpacks them under $CARGO_HOME/registry/src/-<hash of that registry's path>/. An unpacked
# copy left by an earlier run at the same path is reused as it is (cargo does not compare it
# with the new .crate), so a reused cargo home verified v1.41 against an old runtime and failed.
# Only our own unpacked crates go; the downloaded dependencies stay.
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/dockwright-*
cargo package --quiet --no-verify -p dockwright-runtime $(for n in $(seq 25 55); do printf -- '-p dockwright-v1-%s ' "$n"; done)
cargo package --quiet -p dockwright-runtime -p dockwright-v1-41

step "the front-page scenarios compile (doctests of the oldest, a middle and the newest crate)"
cargo test --doc --quiet -p dockwright-v1-25 -p dockwright-v1-41 -p dockwright-v1-55

step "tests (unit, snapshots, real engines)"
cargo test --workspace --exclude 'dockwright-v1-*' 2>&1 | tee target/test-output.txt

step "fuzzing the generator (bounded: 60 s of mutated specs, then accepted mutants must cargo check)"
DOCKWRIGHT_FUZZ_CASES=1000000 DOCKWRIGHT_FUZZ_SECS=60 DOCKWRIGHT_FUZZ_COMPILE_RANDOM=2 \
    cargo test -p dockwright-tests --test generator_fuzz -- --include-ignored

step "fuzzing the stream decoders (bounded: 20 s per target)"
FUZZ_TOOLCHAIN=stable bash runtime/fuzz/run.sh 20

step "done"
