#!/usr/bin/env bash
# Runs every cargo-fuzz target of the runtime for SECONDS seconds each (default 30) and
# fails if any of them finds a crash, a hang (-timeout) or a memory blow-up.
#
#   runtime/fuzz/run.sh 60
#
# Installs cargo-fuzz from crates.io when missing. libFuzzer itself is built from the
# libfuzzer-sys crate (needs a C++ compiler). With a nightly toolchain the targets run
# under AddressSanitizer; with stable only (the usual machine here) they run without a
# sanitizer, which loses little: the decoders contain no unsafe code, and panics,
# assertion failures, timeouts and RSS limits are caught either way.
# FUZZ_TOOLCHAIN=stable|nightly forces a choice.
set -euo pipefail

secs="${1:-30}"
case "$secs" in
    '' | *[!0-9]*) echo "usage: $0 [SECONDS per target]" >&2; exit 2 ;;
esac
cd "$(dirname "$0")"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

toolchain="${FUZZ_TOOLCHAIN:-}"
if [ -z "$toolchain" ]; then
    if rustup run nightly rustc --version >/dev/null 2>&1; then
        toolchain=nightly
    else
        toolchain=stable
    fi
fi
if [ "$toolchain" = nightly ]; then
    sanitizer=address
else
    sanitizer=none
fi
fuzz=(cargo "+$toolchain" fuzz)
flags=(--debug-assertions --sanitizer "$sanitizer")

echo "== building targets ($toolchain, sanitizer: $sanitizer)"
start=$SECONDS
"${fuzz[@]}" build "${flags[@]}"
echo "== built in $((SECONDS - start)) s"

failed=()
for target in $("${fuzz[@]}" list); do
    mkdir -p "corpus/$target" "artifacts/$target"
    if [ -d "seeds/$target" ]; then
        cp -n "seeds/$target"/* "corpus/$target/" 2>/dev/null || true
    fi
    log="artifacts/$target/last-run.log"
    echo "== fuzzing $target for ${secs}s (log: runtime/fuzz/$log)"
    t0=$SECONDS
    if "${fuzz[@]}" run "${flags[@]}" "$target" "corpus/$target" -- \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 >"$log" 2>&1; then
        runs=$(grep -Eo '^Done [0-9]+ runs' "$log" | grep -Eo '[0-9]+' || echo '?')
        echo "   ok: $runs runs in $((SECONDS - t0)) s"
    else
        echo "   FAILED: $target (last lines of the log follow)"
        tail -n 30 "$log" | sed 's/^/   | /'
        failed+=("$target")
    fi
done

echo "== total $((SECONDS - start)) s"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "crashing targets: ${failed[*]} (inputs under runtime/fuzz/artifacts/)" >&2
    exit 1
fi
