#!/usr/bin/env bash
# What a machine lets several ranks gain on the transport's memory-bound kernels: each kernel of
# build/bin/bench_stencil_kernels on the 1.6 M-cell grid (and the triad) runs alone, then as COPIES
# copies at once (one per core, as COPIES ranks would), and the table gives the bytes per second of
# one copy alone, of each copy among the others, and their sum over the one alone: the bound on
# the speed-up of COPIES ranks for that kernel on this machine (before any extra iterations).
# Each kernel runs as its own set of copies, so that the copies overlap in the same kernel.
# Usage: benchmarks/run_kernel_concurrency.sh [COPIES]   (default 2)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
./scripts/build.sh >/dev/null
copies="${1:-2}"
bench=./build/bin/bench_stencil_kernels
work="$(mktemp -d)"
kernels=(triad stencil_multiply stencil_dilu)
for kernel in "${kernels[@]}"; do
  options=(--benchmark_filter="^$kernel/2\$" --benchmark_min_time=3 --benchmark_format=csv)
  "$bench" "${options[@]}" >"$work/$kernel.alone.csv" 2>/dev/null
  for copy in $(seq 1 "$copies"); do
    "$bench" "${options[@]}" >"$work/$kernel.copy$copy.csv" 2>/dev/null &
  done
  wait
done
/usr/bin/python3 - "$work" "$copies" "${kernels[@]}" <<'PY'
"""The table from the benchmarks' CSV output (bytes_per_second of the one row of each file)."""
import csv, sys
work, copies, kernels = sys.argv[1], int(sys.argv[2]), sys.argv[3:]

def rate(path):
    with open(path) as f:
        lines = [line for line in f if line.startswith(("name,", '"'))]
    return float(next(csv.DictReader(lines))["bytes_per_second"]) / 1e9

print(f"{'kernel (1.6 M cells)':<22} {'alone GB/s':>10} {'each of ' + str(copies) + ' GB/s':>22} "
      f"{'sum GB/s':>9} {'sum / alone':>11}")
for kernel in kernels:
    alone = rate(f"{work}/{kernel}.alone.csv")
    each = [rate(f"{work}/{kernel}.copy{c}.csv") for c in range(1, copies + 1)]
    shown = " ".join(f"{value:.2f}" for value in each)
    print(f"{kernel:<22} {alone:>10.2f} {shown:>22} {sum(each):>9.2f} {sum(each) / alone:>11.2f}")
PY
rm -rf "$work"
