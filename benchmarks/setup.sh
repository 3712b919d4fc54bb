# shellcheck shell=bash
# Sourced by the benchmark runners (`source "$(dirname "$0")/setup.sh" "$@"`): works from the
# repository root, builds Release, lets MPI run as root, makes the work folder ($BENCH_WORKDIR, or
# a new temporary one) as $work, and takes the rank counts (the arguments; default 1 2) as
# ranks_list.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
./scripts/build.sh >/dev/null
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work="${BENCH_WORKDIR:-$(mktemp -d)}"
mkdir -p "$work"
# shellcheck disable=SC2034 # used by the runners that source this file
if [ $# -gt 0 ]; then ranks_list=("$@"); else ranks_list=(1 2); fi
