#!/usr/bin/python3
"""Source removal: a fraction of a depleting NAPL source taken out at a given time.

The NAPL column of tests/transport/check_napl_depletion.py (Q = 0.1 m3/d through the source,
M0 = 1e5 g, C0 = 100 mg/L, gamma = 1, tau = M0 / (Q C0) = 1e4 d; the source cell has bulk
density 1.6 kg/L) with half of the NAPL mass left removed by excavation at 5000 d:
  M(t) = M0 exp(-t / tau) before, 0.5 M0 exp(-0.5) exp(-(t - 5000) / tau) after.
Asserted: napl.csv's mass at 2500, 5000 (just before the removal), 7500 and 10000 d within 1 %
of that; the ledger's removed:PCE equals half the mass napl.csv reports at 5000 d (1e-10), with
the excavated volume of the source cell (1 m3), its soil mass (1.6 t), diesel (0.7 L/m3) and
haulage (1.6 t x 40 km).
Usage: check_source_removal.py TERRAFATE WORKDIR
"""
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "transport"))
import transport_outputs as outputs  # noqa: E402
from ledger import compare, read_ledger  # noqa: E402

DECK = """
title: NAPL source removal
grid: {size: [40, 1, 1], cells: [40, 1, 1]}
materials:
  - {name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.25, bulk_density: 1.6,
     dispersivity: [0, 0, 0]}
flow:
  type: steady
  boundaries:
    - {face: xmin, type: head, head: 10.4}
    - {face: xmax, type: head, head: 10}
transport:
  advection: upwind
  species:
    - {name: PCE}
  sources:
    - {name: pool, species: PCE, type: napl, region: {box: {min: [0, 0, 0], max: [1, 1, 1]}}, mass: 1.0e5, concentration: 100, gamma: 1}
remediation:
  - name: removal
    type: source_removal
    start: 5000
    source: pool
    fraction: 0.5
    method: {type: excavation, diesel_per_m3: 0.7, haul_distance: 40}
time: {end: 10000, max_step: 10, output_times: [2500, 5000, 7500, 10000]}
output: {hdf5: false, vtk: false}
"""


def exact(t, m0=1.0e5, tau=1.0e4):
    if t <= 5000.0:
        return m0 * math.exp(-t / tau)
    return 0.5 * m0 * math.exp(-0.5) * math.exp(-(t - 5000.0) / tau)


def main():
    terrafate, workdir = sys.argv[1:3]
    os.makedirs(workdir, exist_ok=True)
    out = outputs.run_text(terrafate, workdir, "removal", DECK)
    outputs.check_mass_balance(out, ["PCE"], 1e-8)
    rows = outputs.read_csv(os.path.join(out, "napl.csv"),
                            ["time", "source", "species", "napl_mass_g",
                             "source_concentration_mg_per_L", "dissolution_g_per_d"])
    failures = []
    masses = {}
    for time, _, _, mass, _, _ in rows:
        t, mass = float(time), float(mass)
        masses[t] = mass
        error = abs(mass - exact(t)) / exact(t)
        print(f"t = {t:g} d: M = {mass:.2f} g, closed form {exact(t):.2f} g, rel. diff {error:.2e}")
        if not error < 0.01:
            failures.append(f"M at {t} d off by {error:.2%}")
    ledger = read_ledger(out)
    expected = {("removal", "removed:PCE"): 0.5 * masses[5000.0],
                ("removal", "excavated_volume"): 1.0, ("removal", "soil_mass"): 1.6,
                ("removal", "diesel"): 0.7, ("removal", "haulage"): 1.6 * 40.0}
    compare(ledger, expected, failures)
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
