#!/usr/bin/python3
"""Runs a transport deck (ranks_agreement_transport.yaml) at 1 and 2 MPI ranks and checks the
transport output contract and the agreement between the two runs.

Checked for each run: exit status 0; results.h5 holds /outputs/NNNNNN/<species> for every species
at the deck's output times, shape [nz, ny, nx], unit mg/L; observations.csv has a row in mg/L
for every point, species and output time; mass_balance.csv has its contract columns, unit g, a
row per species and output time, and every relative_closure < 1e-8.
Checked between the runs, relative to each species' largest concentration (fields) or largest
mass entry (mass balance) at 1 rank: the concentration fields in results.h5, the observation
values and the mass balance entries agree to 1e-10 (the generalisation of
tests/app/check_run_outputs.py to transport). Both runs solve to -transport_ksp_rtol 1e-13: the
default 1e-10 (relative to the right-hand side) leaves differences of about 1e-9 between the
block-Jacobi (2 ranks) and ILU (1 rank) preconditioned solutions, which would measure the solver
tolerance rather than the domain decomposition.
Usage: check_transport_ranks.py TERRAFATE DECK WORKDIR MPIEXEC
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import transport_outputs  # noqa: E402

# What ranks_agreement_transport.yaml defines.
SPECIES = ("PCE", "TCE")
POINTS = ("MW1", "MW2", "MW3")
TIMES = [0.0, 30.0, 90.0, 180.0, 365.0]
MASSES = ("dissolved", "sorbed", "immobile", "inflow", "outflow", "sources", "decayed", "produced",
          "removed")
TOLERANCE = 1e-10


def read_run(out):
    _, outputs = transport_outputs.read_fields(out, SPECIES)
    if [t for t, _ in outputs] != TIMES:
        sys.exit(f"FAIL: {out}: output times {[t for t, _ in outputs]}, expected {TIMES}")
    observations = transport_outputs.concentrations(out, SPECIES)
    expected = {(p, s, t) for p in POINTS for s in SPECIES for t in TIMES}
    if set(observations) != expected:
        sys.exit(f"FAIL: {out}: observations.csv concentration rows missing or extra: "
                 f"{sorted(expected ^ set(observations))[:5]}")
    balance = transport_outputs.check_mass_balance(out, SPECIES, 1e-8)
    if sorted({row["time"] for row in balance}) != TIMES:
        sys.exit(f"FAIL: {out}: mass_balance.csv times differ from {TIMES}")
    return outputs, observations, {(row["time"], row["species"]): row for row in balance}


def main():
    terrafate, deck, workdir, mpiexec = sys.argv[1:5]
    runs = {}
    for ranks in (1, 2):
        out = os.path.join(workdir, f"np{ranks}")
        transport_outputs.run(terrafate, deck, out, ranks, mpiexec,
                              options=["-transport_ksp_rtol", "1e-13"])
        runs[ranks] = read_run(out)
    (fields1, obs1, balance1), (fields2, obs2, balance2) = runs[1], runs[2]

    failures = []
    for species in SPECIES:
        scale = max(float(np.abs(f[species]).max()) for _, f in fields1) or 1.0
        field = max(float(np.abs(f1[species] - f2[species]).max())
                    for (_, f1), (_, f2) in zip(fields1, fields2)) / scale
        points = max(abs(obs1[key] - obs2[key]) for key in obs1 if key[1] == species) / scale
        mass_scale = max(abs(row[m]) for (_, s), row in balance1.items() if s == species
                         for m in MASSES) or 1.0
        masses = max(abs(balance1[key][m] - balance2[key][m]) for key in balance1
                     if key[1] == species for m in MASSES) / mass_scale
        print(f"{species}: 1 vs 2 ranks, relative max difference: fields {field:.2e}, "
              f"observations {points:.2e}, mass balance {masses:.2e} (max C {scale:.4g} mg/L, "
              f"max mass entry {mass_scale:.4g} g)")
        for what, value in (("fields", field), ("observations", points), ("masses", masses)):
            if not value < TOLERANCE:
                failures.append(f"{species} {what} differ by {value:.2e}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print(f"PASS (1 and 2 ranks agree to {TOLERANCE:g})")


if __name__ == "__main__":
    main()
