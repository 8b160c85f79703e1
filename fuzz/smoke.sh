#!/usr/bin/env bash
# A short run of every fuzz target from its committed seed corpus: CI's check
# that the targets still build and that no seed (every past crash is one)
# fails. New inputs go to a temporary folder, so the seed corpus stays as
# committed. Long runs: see SECURITY.md.
#
# usage: fuzz/smoke.sh [SECONDS_PER_TARGET=30]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-30}

# cargo-fuzz drives nightly-only rustc flags; the stable toolchain allows
# them with RUSTC_BOOTSTRAP (the project has one toolchain, stable).
export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --version 0.13.2 --locked
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
targets=$(cargo fuzz list)
cargo fuzz build
for t in $targets; do
    mkdir -p "$work/$t"
    echo "== fuzz $t for ${seconds}s"
    # -rss_limit_mb: the targets stay far below it; a leak or bomb would not.
    status=0
    cargo fuzz run "$t" "$work/$t" "corpus/$t" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 \
        >"$work/$t.log" 2>&1 || status=$?
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)' "$work/$t.log" || true
    if [ "$status" -ne 0 ]; then
        tail -n 40 "$work/$t.log" >&2
        echo "fuzz target $t failed (exit $status); its input is under fuzz/artifacts/$t/" >&2
        exit 1
    fi
done
echo "fuzz smoke: $(echo $targets | wc -w) targets, ${seconds}s each, no failure"
