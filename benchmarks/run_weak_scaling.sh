#!/usr/bin/env bash
# Weak scaling of the 3-D plume transport benchmark: N ranks solve N copies of plume_200k side by
# side. The deck for N is plume_200k.yaml (200 x 100 x 10 cells, 20 years in 240 steps, TVD)
# widened N times along y (500 x 250N x 20 m, 200 x 100N x 10 cells) with the source repeated in
# every 250 m strip, and each rank owns one strip (-grid_processors_y N), so every rank has the
# same cells and the same plume. Builds Release, runs each rank count and prints a table; the
# weak-scaling efficiency is the transport time at 1 rank over that at N (1: perfect). Each run
# also checks that the last strip's plume equals the first's (the strips are identical problems),
# which catches a rank that solved something else.
# Usage: [BENCH_WORKDIR=dir] benchmarks/run_weak_scaling.sh [RANKS...]   (default: 1 2)
# shellcheck source=benchmarks/setup.sh
source "$(dirname "$0")/setup.sh" "$@"

# The deck for N strips (the plume_200k.yaml case, its source and points repeated per strip).
write_deck() {
  local strips=$1 deck=$2 m y0
  {
    echo "title: plume benchmark widened ${strips}x along y (weak scaling), 200k cells per strip"
    echo "grid:"
    echo "  size: [500, $((250 * strips)), 20]"
    echo "  cells: [200, $((100 * strips)), 10]"
    echo "materials:"
    echo "  - {name: aquifer, region: all, hydraulic_conductivity: 10, porosity: 0.3, dispersivity: [5, 0.5, 0.05]}"
    echo "flow:"
    echo "  type: steady"
    echo "  boundaries:"
    echo "    - {face: xmin, type: head, head: 50.00625}"
    echo "    - {face: xmax, type: head, head: 47.50625}"
    echo "transport:"
    echo "  advection: tvd"
    echo "  species:"
    echo "    - {name: C, decay: {rate: 0.0005}}"
    echo "  sources:"
    for ((m = 0; m < strips; m++)); do
      y0=$((250 * m))
      echo "    - {species: C, type: concentration, region: {box: {min: [47.5, $((y0 + 120)), 16], max: [55, $((y0 + 127)).5, 20]}}, concentration: 1}"
    done
    echo "time:"
    echo "  end: 7300"
    echo "  max_step: 30.416666666666668"
    echo "  output_times: [7300]"
    echo "observations:"
    echo "  points:"
    echo "    - {name: first_X101, position: [101.25, 123.75, 19]}"
    echo "    - {name: first_X251, position: [251.25, 123.75, 19]}"
    echo "    - {name: last_X101, position: [101.25, $((250 * (strips - 1) + 123)).75, 19]}"
    echo "    - {name: last_X251, position: [251.25, $((250 * (strips - 1) + 123)).75, 19]}"
    echo "output: {hdf5: false, vtk: false}"
  } >"$deck"
}

printf '%5s %9s %10s %8s %8s %11s %10s %13s %10s %11s\n' ranks cells cells/rank wall_s loop_s \
  transport_s linear_its rss_B/cell efficiency strip_diff
single=""
for ranks in "${ranks_list[@]}"; do
  deck="$work/weak_${ranks}.yaml"
  out="$work/out_weak_np${ranks}"
  write_deck "$ranks" "$deck"
  rm -rf "$out"
  /usr/bin/time -f "%e %M" -o "$work/time.txt" \
    mpirun --oversubscribe -n "$ranks" ./build/bin/terrafate run "$deck" -o "$out" \
    -grid_processors_x 1 -grid_processors_y "$ranks" -grid_processors_z 1 >/dev/null
  read -r wall rss_kb <"$work/time.txt"
  row=$(/usr/bin/python3 - "$out" "$ranks" "$wall" "$rss_kb" "$single" <<'PY'
"""One table row from run_summary.json and observations.csv."""
import csv, json, sys
out, ranks, wall, rss_kb = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
single = float(sys.argv[5]) if sys.argv[5] else None
summary = json.load(open(f"{out}/run_summary.json"))
with open(f"{out}/observations.csv", newline="") as f:
    values = {row["location"]: float(row["value"]) for row in csv.DictReader(f)
              if row["variable"] == "C" and float(row["time"]) == 7300.0}
# The strips are the same problem: the last strip's concentrations against the first's.
difference = max(abs(values[f"last_{x}"] - values[f"first_{x}"]) / values[f"first_{x}"]
                 for x in ("X101", "X251"))
cells, transport = summary["cells"], summary["transport_seconds"]
efficiency = f"{single / transport:.2f}" if single else "-"
# /usr/bin/time reports mpirun's largest child, i.e. the largest rank, times the ranks.
rss_per_cell = rss_kb * 1024 * ranks / cells
print(f"{ranks:>5} {cells:>9} {cells // ranks:>10} {wall:>8.1f} "
      f"{summary['time_loop_seconds']:>8.1f} {transport:>11.1f} "
      f"{summary['transport_iterations']:>10} {rss_per_cell:>13.0f} {efficiency:>10} "
      f"{difference:>11.1e} {transport}")
PY
)
  echo "${row% *}"
  [ "$ranks" = 1 ] && single="${row##* }"
done
echo "(efficiency = transport_s at 1 rank / transport_s at N ranks, N times the cells; strip_diff ="
echo " largest relative difference between the last and the first strip's C at 7300 d; work"
echo " folder $work)"
