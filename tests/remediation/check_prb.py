#!/usr/bin/python3
"""Permeable reactive barrier in 1-D steady flow against the closed-form steady solution.

Column 0 <= x <= 100 m (400 cells of 0.25 m, 1 m2 cross-section), Darcy flux q = 0.1 m/d
imposed by a flux boundary on xmin (a head boundary on xmax), porosity 0.25, dispersivity
a = 0.5 m, so theta D = a q = 0.05 m2/d in every zone. A barrier 50 <= x <= 52 m (porosity 0.5,
K 50 m/d) degrades A at lambda = 0.1 1/d and yields B (yield 0.5), which does not degrade.
Inflow concentration C0 = 1 mg/L of A. Steady state (3000 d, backward Euler steps of 100 d):
  q C' - theta D C'' + lambda theta_b C = 0 in the barrier, without the last term outside;
  q C0 = q C - theta D C' at x = 0 (the inflow boundary), C' = 0 downstream,
  C and C' continuous at the barrier faces (theta D is the same on both sides).
Upstream C = C0 + B1 exp(x / a); in the barrier C = P exp(r1 (x - 50)) + Q exp(r2 (x - 50)),
r = (q +- sqrt(q^2 + 4 theta D lambda theta_b)) / (2 theta D); downstream C = A3. The four
matching conditions give B1, P, Q and A3 (numpy.linalg.solve). B downstream follows from the
mass balance of the barrier: at steady state everything that decays there leaves as B,
q B_out = 0.5 q (C0 - A3).
Asserted: A and B at x = 80 m within 2 % of the closed form; mass balance closure < 1e-8;
ageing: the same barrier with a reactivity half-life of 3000 d gives at 3000 d (rate 0.05 1/d)
A at x = 80 m within 3 % of the closed form for that rate (the plume lags the slow ageing by
its travel time, about 120 d, hence the wider tolerance);
ledger.csv lists the barrier's excavated volume (2 m3), its medium mass (2 m3 x 2.8 kg/L) and
the destroyed A equal to the mass balance's decayed A (1e-8).
Usage: check_prb.py TERRAFATE WORKDIR
"""
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "transport"))
import transport_outputs as outputs  # noqa: E402
from ledger import compare, read_ledger  # noqa: E402

DECK = """
title: PRB in a 1-D column
grid: {size: [100, 1, 1], cells: [400, 1, 1]}
materials:
  - {name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.25, dispersivity: [0.5, 0.05, 0.05]}
flow:
  type: steady
  boundaries:
    - {face: xmin, type: flux, flux: 0.1}
    - {face: xmax, type: head, head: 10}
transport:
  advection: tvd
  species:
    - {name: A}
    - {name: B}
  boundaries:
    - {face: xmin, species: A, concentration: 1}
remediation:
  - name: barrier
    type: permeable_reactive_barrier
    region: {box: {min: [50, 0, 0], max: [52, 1, 1]}}
    start: 0
    rates: {A: 0.1}
    products: [{from: A, to: B, yield: 0.5}]
    hydraulic_conductivity: 50
    porosity: 0.5
    medium: {material: zero_valent_iron, bulk_density: 2.8}
{ageing}time: {end: 3000, max_step: 100, output_times: [3000]}
observations:
  points:
    - {name: P80, position: [80.125, 0.5, 0.5]}
output: {hdf5: false, vtk: false}
"""
Q, THETA_D, LAMBDA, THETA_B, C0, X1, X2 = 0.1, 0.05, 0.1, 0.5, 1.0, 50.0, 52.0


def closed_form(decay=LAMBDA):
    """A downstream of the barrier (the constant A3) for the barrier rate `decay` [1/d]."""
    a = THETA_D / Q
    root = math.sqrt(Q * Q + 4 * THETA_D * decay * THETA_B)
    r1, r2 = (Q + root) / (2 * THETA_D), (Q - root) / (2 * THETA_D)
    w = X2 - X1
    # Unknowns B1' = B1 exp(X1 / a), P, Qc, A3.
    matrix = np.array([
        [1.0, -1.0, -1.0, 0.0],                                  # C at X1
        [1.0 / a, -r1, -r2, 0.0],                                # C' at X1
        [0.0, math.exp(r1 * w), math.exp(r2 * w), -1.0],         # C at X2
        [0.0, r1 * math.exp(r1 * w), r2 * math.exp(r2 * w), 0.0]  # C' at X2
    ])
    rhs = np.array([-C0, 0.0, 0.0, 0.0])
    return np.linalg.solve(matrix, rhs)[3]


def main():
    terrafate, workdir = sys.argv[1:3]
    os.makedirs(workdir, exist_ok=True)
    out = outputs.run_text(terrafate, workdir, "prb", DECK.replace("{ageing}", ""))
    balance = outputs.check_mass_balance(out, ["A", "B"], 1e-8)
    values = outputs.concentrations(out, ["A", "B"])
    a_exact = closed_form()
    b_exact = 0.5 * (C0 - a_exact)
    a_sim, b_sim = values[("P80", "A", 3000.0)], values[("P80", "B", 3000.0)]
    failures = []
    for name, sim, exact in (("A", a_sim, a_exact), ("B", b_sim, b_exact)):
        error = abs(sim - exact) / exact
        print(f"{name} at x = 80 m: {sim:.6f} mg/L, closed form {exact:.6f}, rel. diff {error:.2e}")
        if not error < 0.02:
            failures.append(f"{name} off by {error:.2%}")
    ledger = read_ledger(out)
    decayed = next(row["decayed"] for row in balance if row["species"] == "A")
    checks = {("barrier", "excavated_volume"): 2.0,
              ("barrier", "material:zero_valent_iron"): 2.0 * 2.8 * 1000.0,
              ("barrier", "destroyed:A"): decayed}
    compare(ledger, checks, failures, tolerance=1e-8)
    out = outputs.run_text(terrafate, workdir, "prb_ageing", DECK.replace("{ageing}", "    reactivity_half_life: 3000\n"))
    outputs.check_mass_balance(out, ["A", "B"], 1e-8)
    aged = outputs.concentrations(out, ["A"])[("P80", "A", 3000.0)]
    exact = closed_form(LAMBDA / 2)
    error = abs(aged - exact) / exact
    print(f"aged barrier, A at x = 80 m at 3000 d: {aged:.6f}, closed form for 0.05 1/d "
          f"{exact:.6f}, rel. diff {error:.2e}")
    if not error < 0.03:
        failures.append(f"aged barrier off by {error:.2%}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
