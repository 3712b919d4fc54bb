#!/usr/bin/env bash
# Runs the serial tests under valgrind memcheck: the unit tests (plain C++, and the flow and
# I/O tests on one rank), and a serial terrafate run of a small deck with soil, transport, remediation and risk (a checkpoint and a
# restart from it included). Fails on any memcheck error or definite leak; the suppressions are
# Open MPI's own (openmpi-valgrind.supp) and tests/sanitizers/valgrind.supp for the one-time
# allocations of the libraries (MPI, PETSc, HDF5, VTK), never for terrafate's code.
# Usage: scripts/test-valgrind.sh [BUILD_DIR]   (default build/, built by scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
memcheck=(valgrind --tool=memcheck --error-exitcode=99 --leak-check=full
          --show-leak-kinds=definite --errors-for-leak-kinds=definite
          --suppressions=/usr/share/openmpi/openmpi-valgrind.supp
          --suppressions=tests/sanitizers/valgrind.supp --gen-suppressions=all)
for test in test_unit test_soil_unit test_risk test_flow test_io; do
  echo "== $test"
  arguments=()
  [ "$test" = test_io ] && arguments=(--output-dir="$work/io")
  "${memcheck[@]}" "$build/bin/$test" "${arguments[@]}" > "$work/$test.log" 2>&1 ||
    { tail -60 "$work/$test.log"; exit 1; }
  grep -E "ERROR SUMMARY|definitely lost" "$work/$test.log" || true
done
sed -e 's/max_step: 4/max_step: 100/' -e 's/every: 200/every: 1000/' \
  tests/restart/restart.yaml > "$work/deck.yaml"
echo "== terrafate run (soil, transport, remediation, risk, checkpoints)"
"${memcheck[@]}" "$build/bin/terrafate" run "$work/deck.yaml" -o "$work/out" \
  > "$work/run.log" 2>&1 || { tail -80 "$work/run.log"; exit 1; }
grep -E "ERROR SUMMARY|definitely lost" "$work/run.log" || true
checkpoint=$(ls "$work"/out/checkpoints/checkpoint_*[0-9].h5 | head -1)
echo "== terrafate run --restart $(basename "$checkpoint")"
"${memcheck[@]}" "$build/bin/terrafate" run "$work/deck.yaml" -o "$work/restarted" \
  --restart "$checkpoint" > "$work/restart.log" 2>&1 || { tail -80 "$work/restart.log"; exit 1; }
grep -E "ERROR SUMMARY|definitely lost" "$work/restart.log" || true
echo "valgrind: no errors, no definite leaks"
