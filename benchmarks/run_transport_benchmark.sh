#!/usr/bin/env bash
# 3-D plume transport benchmark (200,000 cells, 20 years in 240 steps, TVD; the MODFLOW 6
# reference problem 3): builds Release, runs each case at each rank count and prints a table, then
# for plume_200k compares the observations at 7300 d with the MODFLOW 6 TVD reference.
# Cases (benchmarks/transport/<case>.yaml): plume_200k (1 species), chain_200k (PCE -> TCE ->
# cDCE -> VC -> ethene, 5 species), plume_1600k (plume_200k refined 2x along each axis).
# Usage: [CASES="plume_200k chain_200k"] [BENCH_WORKDIR=dir] benchmarks/run_transport_benchmark.sh [RANKS...]
#   RANKS default "1 2". A CASES entry may also be the path of a deck (*.yaml), named after its
#   file: a shortened copy, for instance, to try the script out.
# shellcheck source=benchmarks/setup.sh
source "$(dirname "$0")/setup.sh" "$@"
cases="${CASES:-plume_200k chain_200k}"

printf '%-11s %5s %8s %7s %5s %8s %8s %11s %9s %6s %14s %8s %13s %10s\n' case ranks cells species \
  steps wall_s loop_s transport_s linear_its sweeps cell_steps/s GB/s rss_B/cell efficiency
outputs=()
for case in $cases; do
  if [[ "$case" == *.yaml ]]; then deck="$case"; case="$(basename "$case" .yaml)"
  else deck="benchmarks/transport/$case.yaml"; fi
  single_rank_transport=""
  for ranks in "${ranks_list[@]}"; do
    out="$work/out_${case}_np${ranks}"
    rm -rf "$out"
    /usr/bin/time -f "%e %M" -o "$work/time.txt" \
      mpirun --oversubscribe -n "$ranks" ./build/bin/terrafate run "$deck" -o "$out" >/dev/null
    read -r wall rss_kb <"$work/time.txt"
    outputs+=("$case:$ranks:$out")
    row=$(/usr/bin/python3 - "$out" "$case" "$ranks" "$wall" "$rss_kb" "$single_rank_transport" <<'PY'
"""One table row from run_summary.json and mass_balance.csv (for the number of species)."""
import csv, json, sys
out, case, ranks, wall, rss_kb = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
single = float(sys.argv[6]) if sys.argv[6] else None
summary = json.load(open(f"{out}/run_summary.json"))
with open(f"{out}/mass_balance.csv", newline="") as f:
    species = len({row["species"] for row in csv.DictReader(f)})
cells, steps, loop = summary["cells"], summary["steps"], summary["time_loop_seconds"]
transport = summary["transport_seconds"]
# /usr/bin/time reports the peak RSS of mpirun's largest child, i.e. of the largest rank; times
# the ranks it bounds the total, which is divided by the cells.
rss_per_cell = rss_kb * 1024 * ranks / cells
# Bytes the transport must move (a model, benchmarks/RESULTS.md): per cell and Krylov iteration
# the stencil mat-vec (7 coefficients, x, y: 72 B), the DILU sweeps (4 single-precision factors
# and 2 vectors each way: 60 B) and GMRES(10)'s orthogonalization at the ~4 iterations a solve
# takes (about 80 B); per cell, species and step the right-hand side, the TVD correction and the
# accounting (about 150 B).
iterations = summary["transport_iterations"]
gigabytes = cells * (212.0 * iterations + 150.0 * steps * species) / 1e9
efficiency = f"{single / (ranks * transport):.2f}" if single else "-"
print(f"{case:<11} {ranks:>5} {cells:>8} {species:>7} {steps:>5} {wall:>8.1f} {loop:>8.1f} "
      f"{transport:>11.1f} {iterations:>9} "
      f"{summary['transport_tvd_sweeps']:>6} {cells * steps * species / transport:>14.3g} "
      f"{gigabytes / transport:>8.1f} {rss_per_cell:>13.0f} {efficiency:>10} {transport}")
PY
)
    echo "${row% *}"
    [ "$ranks" = 1 ] && single_rank_transport="${row##* }"
  done
done
echo "(loop_s = time_loop_seconds (flow and transport steps, outputs excluded); transport_s ="
echo " transport_seconds (the transport steps alone, as MODFLOW 6's GWT timing); linear_its ="
echo " transport Krylov iterations, all species and TVD sweeps; cell_steps/s = cells x steps x"
echo " species / transport_s; GB/s = modelled bytes (RESULTS.md) / transport_s; efficiency ="
echo " transport_s at 1 rank / (ranks x transport_s);"
echo " rss_B/cell = peak RSS of the largest rank x ranks / cells, fixed per-process overhead"
echo " included; work folder $work)"

# MODFLOW 6 GWT TVD, 200k cells, C at 7300 d (../shared/reference/mf6/README.md, problem 3;
# MF6 needed 63.8 s of user CPU for the transport on one core of a comparable machine).
for entry in "${outputs[@]}"; do
  IFS=: read -r case ranks out <<<"$entry"
  [ "$case" = plume_200k ] || continue
  /usr/bin/python3 - "$out/observations.csv" "$ranks" <<'PY'
"""terrafate's plume_200k observations at 7300 d against the MODFLOW 6 TVD reference values."""
import csv, sys
REFERENCE = {"L1_X101": 0.46155, "L1_X251": 0.11285, "L1_X401": 0.044314, "L5_X101": 0.010968}
path, ranks = sys.argv[1], sys.argv[2]
with open(path, newline="") as f:
    values = {row["location"]: float(row["value"]) for row in csv.DictReader(f)
              if row["variable"] == "C" and float(row["time"]) == 7300.0}
print(f"\nplume_200k at {ranks} rank(s), C at 7300 d vs MODFLOW 6 TVD (MF6 transport: 63.8 s CPU, 1 core)")
if not values:
    print("  no concentration output at 7300 d: not compared")
    sys.exit()
print(f"  {'point':<8} {'terrafate':>10} {'MF6 TVD':>10} {'rel. diff':>10}")
for point, reference in REFERENCE.items():
    value = values[point]
    print(f"  {point:<8} {value:>10.5g} {reference:>10.5g} {(value - reference) / reference:>+10.1e}")
PY
done
