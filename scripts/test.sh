#!/usr/bin/env bash
# Quick start (2): install what is missing, build, and run the whole test suite (serial and
# 2-rank MPI tests).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
ctest --test-dir build --output-on-failure --timeout 600
