#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build, and run every test.
#   scripts/test.sh          GCC debug build, warnings as errors, every test (WebEngine under Xvfb)
#   scripts/test.sh --asan   clang + AddressSanitizer/UBSan, every non-WebEngine test and the fuzzers
set -euo pipefail
cd "$(dirname "$0")/.."
preset=dev
if [[ "${1:-}" == "--asan" ]]; then
    preset=asan
fi
scripts/install-deps.sh --test
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# WebEngine and on-screen tests need an X server: run the whole suite under a private Xvfb.
exec xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" \
    ctest --preset "$preset" --parallel 2
