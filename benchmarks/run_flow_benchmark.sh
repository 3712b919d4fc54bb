#!/usr/bin/env bash
# Steady 3-D heterogeneous flow benchmark (1,000,000 cells): builds Release, runs the case at 1
# and 2 ranks with the default solver (CG + BoomerAMG where PETSc has hypre, rtol 1e-10), with
# GAMG and with BoomerAMG at other tolerances, and prints a table.
# CASE=steady_1m_unconfined runs the water-table version (every cell convertible, Newton's
# method) and adds the Newton iterations (newton column; 0 for the linear case).
# Usage: [CASE=steady_1m] [SOLVERS="default gamg"] benchmarks/run_flow_benchmark.sh [RANKS...]
#   (default: 1 2)
# shellcheck source=benchmarks/setup.sh
source "$(dirname "$0")/setup.sh" "$@"
case_name="${CASE:-steady_1m}"
cp "benchmarks/flow/${case_name}.yaml" "$work/"
[ -f "$work/k_100x100x100.h5" ] ||
  /usr/bin/python3 benchmarks/flow/make_k_field.py "$work/k_100x100x100.h5" 100 100 100 >/dev/null
# Solver configurations: the default (CG + BoomerAMG, rtol 1e-10), the former default CG + GAMG
# at rtol 1e-12, and BoomerAMG at rtol 1e-12 and at the engineering tolerance rtol 1e-8.
declare -A solvers=(
  [default]=""
  [gamg]="-flow_pc_type gamg -flow_ksp_rtol 1e-12"
  [hypre_1e-12]="-flow_pc_type hypre -flow_ksp_rtol 1e-12"
  [hypre_1e-8]="-flow_pc_type hypre -flow_ksp_rtol 1e-8"
)
read -r -a solver_list <<<"${SOLVERS:-default gamg hypre_1e-12 hypre_1e-8}"
printf '%-6s %-11s %10s %10s %10s %6s %12s %10s %8s %9s %6s\n' ranks solver cells setup_s solve_s its cells_per_s wall_s rss_MB closure newton
for ranks in "${ranks_list[@]}"; do
  for pc in "${solver_list[@]}"; do
    out="$work/out_${pc}_np${ranks}"
    rm -rf "$out"
    # shellcheck disable=SC2086
    /usr/bin/time -f "%e %M" -o "$work/time.txt" \
      mpirun --oversubscribe -n "$ranks" ./build/bin/terrafate run "$work/${case_name}.yaml" -o "$out" \
      ${solvers[$pc]} -flow_snes_converged_reason >"$work/stdout.txt"
    newton=$(sed -n 's/.*Nonlinear flow_ solve converged.* iterations \([0-9]*\).*/\1/p' "$work/stdout.txt" | tail -1)
    read -r wall rss_kb <"$work/time.txt"
    /usr/bin/python3 - "$out/run_summary.json" "$ranks" "$pc" "$wall" "$rss_kb" "${newton:-0}" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
ranks, pc, wall, rss_kb = sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
newton = int(sys.argv[6])
setup = summary["model_setup_seconds"] + summary["last_flow_setup_seconds"]
solve = summary["last_flow_solve_seconds"]
cells = summary["cells"]
print(f"{ranks:<6} {pc:<11} {cells:>10} {setup:>10.2f} {solve:>10.2f} "
      f"{summary['last_flow_iterations']:>6} {cells / (setup + solve):>12.3g} {wall:>10.2f} "
      f"{rss_kb / 1024:>8.0f} {summary['max_budget_closure']:>9.1e} {newton:>6}")
PY
  done
done
echo "(setup = grid, materials, K field, operator assembly and preconditioner; rss of mpirun's"
echo " largest child as reported by /usr/bin/time; work folder $work)"
