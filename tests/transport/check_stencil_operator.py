#!/usr/bin/python3
"""The matrix-free stencil operator against PETSc's assembled one, on a 3-D deck with
heterogeneous sorbing materials, TVD, a decay chain, held (fixed-concentration) cells, a mass-rate
source, an injection and an extraction well (ranks_agreement_transport.yaml, without the
cross-dispersion terms, which need the 19-point assembled path).

Runs, each at 1 rank, 2 ranks (PETSc's layout) and 8 ranks (2 x 2 x 2, so that a block has
neighbour ranks across faces of all three axes, whose values the stencil operator gathers):
  assembled  -transport_matrix_free 0 (AIJ matrix, PCILU; block Jacobi + ILU on 2 ranks)
  dilu0      the stencil operator with -transport_dilu_relaxation 0 (DILU = ILU(0))
  default    the stencil operator with relaxed modified ILU(0) (relaxation 0.95)
Checked: dilu0 needs exactly the Krylov iterations of assembled (ILU(0) of a 7-point stencil in
natural ordering is DILU, so both preconditioners are the same operator); the observations of
dilu0 and default agree with assembled to 1e-8 of each species' largest value (the solves stop
at 1e-10 of the right-hand side); every mass balance closes to 1e-8.
Usage: check_stencil_operator.py TERRAFATE DECK WORKDIR MPIEXEC
"""
import csv
import json
import os
import shutil
import subprocess
import sys

MODES = {
    "assembled": ["-transport_matrix_free", "0"],
    "dilu0": ["-transport_dilu_relaxation", "0"],
    "default": [],
}
COMMON = ["-transport_dispersion_cross_terms", "false"]
failures = []


LAYOUTS = {1: [], 2: [], 8: ["-grid_processors_x", "2", "-grid_processors_y", "2",
                             "-grid_processors_z", "2"]}


def run(terrafate, deck, out, mpiexec, ranks, options):
    command = [terrafate, "run", deck, "-o", out] + COMMON + LAYOUTS[ranks] + options
    if ranks > 1:
        command = [mpiexec, "--oversubscribe", "-n", str(ranks)] + command
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        sys.exit(f"FAIL: {' '.join(command)} exited {result.returncode}: {result.stderr[-2000:]}")
    with open(os.path.join(out, "run_summary.json")) as f:
        iterations = json.load(f)["transport_iterations"]
    with open(os.path.join(out, "observations.csv"), newline="") as f:
        values = {(r["time"], r["location"], r["variable"]): float(r["value"])
                  for r in csv.DictReader(f) if r["unit"] == "mg/L"}
    with open(os.path.join(out, "mass_balance.csv"), newline="") as f:
        closure = max(abs(float(r["relative_closure"])) for r in csv.DictReader(f))
    return iterations, values, closure


def main():
    terrafate, deck, workdir, mpiexec = sys.argv[1:5]
    if os.path.exists(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    for ranks in LAYOUTS:
        results = {mode: run(terrafate, deck, os.path.join(workdir, f"{mode}_np{ranks}"), mpiexec,
                             ranks, options) for mode, options in MODES.items()}
        reference = results["assembled"][1]
        if not reference:
            sys.exit("FAIL: no concentration observations")
        largest = {}
        for (_, _, species), value in reference.items():
            largest[species] = max(largest.get(species, 0.0), abs(value))
        for mode, (iterations, values, closure) in results.items():
            print(f"{ranks} rank(s), {mode}: {iterations} Krylov iterations, largest mass balance "
                  f"closure {closure:.2e}")
            if closure > 1e-8:
                failures.append(f"{mode} at {ranks} rank(s): closure {closure:.2e} > 1e-8")
            if values.keys() != reference.keys():
                failures.append(f"{mode} at {ranks} rank(s): other observation rows")
                continue
            worst = max(abs(values[k] - reference[k]) / largest[k[2]] for k in reference
                        if largest[k[2]] > 0.0)
            print(f"  observations vs assembled: largest difference {worst:.2e} of the species' "
                  f"largest value (tolerance 1e-8)")
            if worst > 1e-8:
                failures.append(f"{mode} at {ranks} rank(s): observations differ by {worst:.2e}")
        if results["dilu0"][0] != results["assembled"][0]:
            failures.append(f"{ranks} rank(s): DILU with relaxation 0 took {results['dilu0'][0]} "
                            f"iterations, PCILU {results['assembled'][0]}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


main()
