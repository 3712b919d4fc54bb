#!/bin/bash
# A strong-scaling study: the same deck on 1, 2, 4, ... MAX_NODES nodes (run.sbatch, no
# resubmission), then a table of the times and memory (scaling_table.py) once all have ended.
#
#   cluster/slurm/scaling.sh DECK MAX_NODES RANKS_PER_NODE [sbatch options] [-- terrafate options]
#   cluster/slurm/scaling.sh --table STUDY      # the table again, by hand
#
# The study folder ($TERRAFATE_OUTPUT_ROOT, default <current folder>/terrafate-scaling/<deck
# name>-<date>) holds nodes-N/<deck name>-<job id>/ per run and scaling.csv / scaling.md. Each
# rank runs under /usr/bin/time (when installed) for its peak memory (nodes-N/rss/). Give
# --exclusive (among the sbatch options) on a shared cluster so that the runs do not share nodes.
# Environment: TERRAFATE, TERRAFATE_SRUN_ARGS as in run.sbatch.
set -euo pipefail

fail() { echo "scaling.sh: $*" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
python=python3
[ -x /usr/bin/python3 ] && python=/usr/bin/python3
if [ "${1:-}" = --table ]; then
  [ $# -eq 2 ] || fail "usage: scaling.sh --table STUDY"
  exec "$python" "$here/scaling_table.py" "$2"
fi
[ $# -ge 3 ] || fail "usage: scaling.sh DECK MAX_NODES RANKS_PER_NODE [sbatch options] [-- terrafate options]"
[ -f "$1" ] || fail "no deck $1"
deck=$(realpath "$1")
max_nodes=$2
ranks_per_node=$3
shift 3
[[ "$max_nodes" =~ ^[1-9][0-9]*$ ]] || fail "MAX_NODES must be a positive integer, not '$max_nodes'"
[[ "$ranks_per_node" =~ ^[1-9][0-9]*$ ]] || fail "RANKS_PER_NODE must be a positive integer, not '$ranks_per_node'"
sbatch_options=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  sbatch_options+=("$1")
  shift
done
[ $# -gt 0 ] && shift
read -r -a terrafate <<<"${TERRAFATE:-terrafate}"
command -v "${terrafate[0]}" >/dev/null || fail "cannot find ${terrafate[0]}: load the terrafate module, 'spack load terrafate', or set TERRAFATE"

name=$(basename "$deck")
study=$(realpath -m "${TERRAFATE_OUTPUT_ROOT:-$PWD/terrafate-scaling/${name%.*}-$(date +%Y%m%d-%H%M%S)}")
[ -d "$study" ] && [ -n "$(ls -A "$study")" ] && fail "$study exists and is not empty"
mkdir -p "$study"

# Each rank under /usr/bin/time: its peak resident memory in rss/rss.<rank> (kB).
command=("${terrafate[@]}")
if [ -x /usr/bin/time ]; then
  cat >"$study/measure.sh" <<'WRAP'
#!/bin/bash
exec /usr/bin/time -f %M -o "$TERRAFATE_RSS_DIR/rss.${SLURM_PROCID:-0}" "$@"
WRAP
  chmod +x "$study/measure.sh"
  command=("$study/measure.sh" "${terrafate[@]}")
fi

nodes_list=()
for ((n = 1; n < max_nodes; n *= 2)); do nodes_list+=("$n"); done
nodes_list+=("$max_nodes")
jobs=()
for n in "${nodes_list[@]}"; do
  mkdir -p "$study/nodes-$n/rss"
  job=$(TERRAFATE="${command[*]}" TERRAFATE_OUTPUT_ROOT="$study/nodes-$n" TERRAFATE_MAX_RESUBMITS=0 \
    TERRAFATE_RSS_DIR="$study/nodes-$n/rss" \
    sbatch --parsable --job-name=terrafate-scaling --nodes="$n" --ntasks-per-node="$ranks_per_node" \
    --output="$study/nodes-$n/slurm-%j.out" "${sbatch_options[@]}" "$here/run.sbatch" "$deck" "$@")
  jobs+=("${job%%;*}")
  echo "submitted $n node(s) x $ranks_per_node rank(s): job ${job%%;*}"
done
dependency=$(IFS=:; echo "afterany:${jobs[*]}")
table=$(sbatch --parsable --job-name=terrafate-scaling-table --dependency="$dependency" --ntasks=1 \
  --time=00:10:00 --output="$study/table-%j.out" \
  --wrap="$(printf '%q ' "$python" "$here/scaling_table.py" "$study")")
echo "table job ${table%%;*}: $study/scaling.md and scaling.csv when the runs have ended"
echo "study: $study"
