#!/usr/bin/env bash
# Quick start (1): install what is missing, build, and run the demo deck end to end.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
out=demo_results
rm -rf "$out"
mpirun --oversubscribe -n 2 ./build/bin/terrafate run inputs/demo/demo.yaml --all-actions -o "$out"
# The small optimization: the deck's two strategies compared (inputs/demo/README.md).
rm -rf demo_optimize
mpirun --oversubscribe -n 2 ./build/bin/terrafate optimize inputs/demo/demo.yaml -o demo_optimize
echo
echo "Demo results are in $(pwd)/$out:"
echo "  results.h5 + results.xmf (open the .xmf in ParaView), vtk/fields.pvd,"
echo "  observations.csv, budget.csv, mass_balance.csv, soil.csv, leaching.csv,"
echo "  soil_standards.csv, risk.csv, compliance.csv, plume.csv, ledger.csv, carbon.csv,"
echo "  run_summary.json; the optimization in $(pwd)/demo_optimize: recommendation.json, report.md"
