#!/bin/bash
# Submits a very large ensemble as a Slurm job array plus its gather step, and prints the folder
# its results go to:
#
#   cluster/slurm/submit-ensemble-array.sh DECK K [sbatch options for each task] [-- terrafate options]
#
# K realizations per array task; the tasks are ceil(realizations / K) (the realizations are read
# with `terrafate validate`). The sbatch options apply to each task (--ntasks, --time, --partition,
# ...); terrafate options after `--` go to each task's run (--ranks-per-run, PETSc options).
# Environment: TERRAFATE, TERRAFATE_SRUN_ARGS, TERRAFATE_OUTPUT_ROOT as in run.sbatch.
set -euo pipefail

fail() { echo "submit-ensemble-array.sh: $*" >&2; exit 2; }
[ $# -ge 2 ] || fail "usage: submit-ensemble-array.sh DECK K [sbatch options] [-- terrafate options]"
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$1" ] || fail "no deck $1"
deck=$(realpath "$1")
per_task=$2
shift 2
[[ "$per_task" =~ ^[1-9][0-9]*$ ]] || fail "K (realizations per task) must be a positive integer, not '$per_task'"
sbatch_options=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  sbatch_options+=("$1")
  shift
done
[ $# -gt 0 ] && shift
read -r -a terrafate <<<"${TERRAFATE:-terrafate}"
command -v "${terrafate[0]}" >/dev/null || fail "cannot find ${terrafate[0]}: load the terrafate module, 'spack load terrafate', or set TERRAFATE"

validation=$("${terrafate[@]}" validate "$deck") || fail "terrafate validate $deck failed"
realizations=$(sed -n 's/.*an ensemble of \([0-9]*\) realizations.*/\1/p' <<<"$validation")
[ -n "$realizations" ] || fail "$deck has no ensemble: section (use run.sbatch)"
tasks=$(((realizations + per_task - 1) / per_task))

array=$(sbatch --parsable --array="0-$((tasks - 1))" "${sbatch_options[@]}" \
  "$here/ensemble-array.sbatch" "$deck" "$per_task" "$@")
array=${array%%;*}
name=$(basename "$deck")
run_dir=$(realpath -m "${TERRAFATE_OUTPUT_ROOT:-$PWD/terrafate-runs}/${name%.*}-$array")
mkdir -p "$run_dir"
gather=$(sbatch --parsable --dependency="afterany:$array" "$here/gather.sbatch" "$deck" "$run_dir")
gather=${gather%%;*}
echo "array job $array ($tasks tasks of $per_task realizations, $realizations in all), gather job $gather"
echo "results: $run_dir"
