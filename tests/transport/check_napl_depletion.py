#!/usr/bin/python3
"""NAPL source depletion against the closed form of REMChlor's source model.

A 1-D column (1 m2 cross-section, q = 0.1 m/d, so Q = 0.1 m3/d through the source) whose first
cell is a NAPL source: M0 = 1e5 g, C0 = 100 mg/L, no dispersion or decay. What dissolves leaves
by advection, so dM/dt = -Q C0 (M/M0)^gamma (the held cell's own storage change, theta V dC/dt,
is below 3e-4 of the flux here). Closed form, with tau = M0 / (Q C0) = 1e4 d:
  gamma = 1:  M = M0 exp(-t / tau)
  otherwise:  M = M0 [1 - (1 - gamma) t / tau]^(1 / (1 - gamma))
Checked for gamma = 0.5, 1 and 2 at t = 0.25, 0.5, 1 and 1.5 tau: within 1 %. Also the NAPL
mass lost equals the dissolved mass the mass balance reports as sources (to 1e-8).
Usage: check_napl_depletion.py TERRAFATE WORKDIR
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import transport_outputs as outputs  # noqa: E402

DECK = """
title: NAPL depletion, gamma {gamma}
grid: {{size: [40, 1, 1], cells: [40, 1, 1]}}
materials:
  - {{name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.25, dispersivity: [0, 0, 0]}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: 10.4}}
    - {{face: xmax, type: head, head: 10}}
transport:
  advection: upwind
  species:
    - {{name: PCE}}
  sources:
    - {{name: pool, species: PCE, type: napl, region: {{box: {{min: [0, 0, 0], max: [1, 1, 1]}}}}, mass: 1.0e5, concentration: 100, gamma: {gamma}}}
time: {{end: 15000, max_step: 10, output_times: [2500, 5000, 10000, 15000]}}
output: {{hdf5: false, vtk: false}}
"""


def exact_mass(t, gamma, m0=1.0e5, tau=1.0e4):
    if gamma == 1.0:
        return m0 * math.exp(-t / tau)
    base = 1.0 - (1.0 - gamma) * t / tau
    return m0 * max(base, 0.0) ** (1.0 / (1.0 - gamma))


def main():
    terrafate, workdir = sys.argv[1:3]
    os.makedirs(workdir, exist_ok=True)
    failures = []
    for gamma in (0.5, 1.0, 2.0):
        deck = os.path.join(workdir, f"napl_gamma{gamma}.yaml")
        with open(deck, "w") as f:
            f.write(DECK.format(gamma=gamma))
        out = os.path.join(workdir, f"gamma{gamma}")
        outputs.run(terrafate, deck, out)
        rows = outputs.read_csv(os.path.join(out, "napl.csv"),
                                ["time", "source", "species", "napl_mass_g",
                                 "source_concentration_mg_per_L", "dissolution_g_per_d"])
        balance = outputs.check_mass_balance(out, ["PCE"], 1e-8)
        for time, source, species, mass, concentration, _ in rows:
            t, mass = float(time), float(mass)
            exact = exact_mass(t, gamma)
            relative = abs(mass - exact) / exact
            print(f"gamma {gamma}: t = {t:>6g} d  M = {mass:12.2f} g  closed form {exact:12.2f} g"
                  f"  rel. diff {relative:.2e}")
            if relative > 0.01:
                failures.append(f"gamma {gamma} t {t}: {relative:.2%}")
            expected_c = 100.0 * (mass / 1.0e5) ** gamma
            if abs(float(concentration) - expected_c) > 1e-9 * 100:
                failures.append(f"gamma {gamma} t {t}: source concentration {concentration}")
            dissolved = next(row["sources"] for row in balance if row["time"] == t)
            if abs((1.0e5 - mass) - dissolved) > 1e-8 * 1.0e5:
                failures.append(f"gamma {gamma} t {t}: NAPL lost {1.0e5 - mass} g but "
                                f"{dissolved} g dissolved")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
