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
# Reports also go to files, so one from a process whose exit status no test checks still counts.
# TERRAFATE_SANITIZE_LEAKS=0 turns leak checking off (see tests/sanitizers/README.md for its cost).
reports=$(pwd)/build-asan/sanitizer-reports
rm -rf "$reports" && mkdir -p "$reports"
export ASAN_OPTIONS=detect_leaks=${TERRAFATE_SANITIZE_LEAKS:-1}:abort_on_error=0:exitcode=23:fast_unwind_on_malloc=0:log_path=$reports/asan
export LSAN_OPTIONS=suppressions=$(pwd)/tests/sanitizers/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=24:log_path=$reports/ubsan
status=0
ctest --test-dir build-asan --output-on-failure --timeout 1800 "$@" || status=$?
if [ -n "$(ls -A "$reports")" ]; then
  echo "sanitizer reports were written:" >&2
  ls "$reports" >&2
  head -n 40 "$reports"/* >&2
  status=1
fi
exit "$status"
