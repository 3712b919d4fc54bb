#!/usr/bin/python3
"""Excavation: the mass removed equals the mass that was in the box just before.

A 3-D plume (20 x 10 x 4 cells of 5 x 5 x 2.5 m) with linear sorption (Kd 0.5 L/kg, bulk density
1.6 kg/L) and a dual domain (mobile porosity 0.25, immobile 0.1, exchange 0.01 1/d; sorption
sites shared by pore space), initial 10 mg/L in both domains of a block, steady flow along x.
At t = 60 d a box of 4 x 4 x 2 cells is dug out. The output at 60 d shows the state at the end of
the step ending there, just before the excavation: the mass in the box is computed here from
results.h5 (mobile and immobile fields) as
  sum V [(theta + f_m rho Kd) C + (theta_im + f_im rho Kd) C_im],  f = domain porosity / total,
and must equal the `removed` of mass_balance.csv at 120 d and ledger.csv's removed:X to 1e-10
(relative); the mass balance must close to 1e-8; the ledger's volume (200 m3), soil mass
(1.6 t/m3 x 200 m3), diesel (0.8 L/m3), haulage (t x 25 km) and backfill follow from them.
Usage: check_excavation.py TERRAFATE WORKDIR
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "transport"))
import transport_outputs as outputs  # noqa: E402
from ledger import compare, read_ledger  # noqa: E402
from ledger import compare, read_ledger  # noqa: E402

DECK = """
title: excavation
grid: {size: [100, 50, 10], cells: [20, 10, 4]}
materials:
  - {name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.25, bulk_density: 1.6,
     dispersivity: [2, 0.2, 0.02], immobile: {porosity: 0.1, exchange_rate: 0.01}}
flow:
  type: steady
  boundaries:
    - {face: xmin, type: head, head: 10.5}
    - {face: xmax, type: head, head: 10}
transport:
  species:
    - {name: X, sorption: {type: linear, kd: 0.5}, decay: {rate: 0.001}}
  initial:
    - {species: X, region: {box: {min: [10, 10, 0], max: [40, 40, 10]}}, concentration: 10}
remediation:
  - name: dig
    type: excavation
    start: 60
    region: {box: {min: [20, 15, 5], max: [40, 35, 10]}}
    haul_distance: 25
    diesel_per_m3: 0.8
    backfill: {material: clean_fill, density: 1.9}
time: {end: 120, max_step: 10, output_times: [60, 120]}
output: {hdf5: true, vtk: false}
"""
THETA, THETA_IM, RHO, KD = 0.25, 0.1, 1.6, 0.5
BOX = ((20, 40), (15, 35), (5, 10))


def main():
    terrafate, workdir = sys.argv[1:3]
    os.makedirs(workdir, exist_ok=True)
    out = outputs.run_text(terrafate, workdir, "excavation", DECK)
    balance = {row["time"]: row for row in outputs.check_mass_balance(out, ["X"], 1e-8)}
    import h5py
    with h5py.File(os.path.join(out, "results.h5"), "r") as f:
        x, y, z = (f[f"grid/{a}_centers"][()] for a in "xyz")
        group = next(f["outputs"][name] for name in sorted(f["outputs"])
                     if float(f["outputs"][name].attrs["time"]) == 60.0)
        mobile, immobile = group["X"][()], group["X_immobile"][()]
    inside = ((z >= BOX[2][0]) & (z <= BOX[2][1]))[:, None, None] & \
             ((y >= BOX[1][0]) & (y <= BOX[1][1]))[None, :, None] & \
             ((x >= BOX[0][0]) & (x <= BOX[0][1]))[None, None, :]
    volume = 5.0 * 5.0 * 2.5
    share = THETA / (THETA + THETA_IM)
    mass = volume * np.sum(((THETA + share * RHO * KD) * mobile +
                            (THETA_IM + (1 - share) * RHO * KD) * immobile)[inside])
    cells = int(inside.sum())
    ledger = read_ledger(out)
    removed = balance[120.0]["removed"]
    print(f"{cells} cells dug; mass in the box at 60 d {mass:.10g} g; removed (mass balance) "
          f"{removed:.10g} g; removed (ledger) {ledger.get(('dig', 'removed:X'))}")
    failures = []
    if balance[60.0]["removed"] != 0.0:
        failures.append("mass removed before the excavation")
    soil = 1.6 * cells * volume
    expected = {("dig", "removed:X"): mass, ("dig", "excavated_volume"): cells * volume,
                ("dig", "soil_mass"): soil, ("dig", "diesel"): 0.8 * cells * volume,
                ("dig", "haulage"): soil * 25.0,
                ("dig", "material:clean_fill"): 1.9 * 1000.0 * cells * volume}
    if not abs(removed - mass) <= 1e-10 * mass:
        failures.append(f"mass balance removed {removed} != {mass}")
    compare(ledger, expected, failures)
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
