#!/usr/bin/env bash
# Builds terrafate with AddressSanitizer + UndefinedBehaviorSanitizer into build-asan/ and runs
# the whole test suite under them (leaks checked, library-owned ones suppressed in
# tests/sanitizers/lsan.supp). Any sanitizer report fails the test that triggered it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTERRAFATE_SANITIZE="address;undefined" >/dev/null
cmake --build build-asan -j "$(nproc)"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=23:fast_unwind_on_malloc=0
export LSAN_OPTIONS=suppressions=$(pwd)/tests/sanitizers/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=24
ctest --test-dir build-asan --output-on-failure --timeout 1800 "$@"
