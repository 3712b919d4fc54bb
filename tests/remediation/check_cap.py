#!/usr/bin/python3
"""A cap cuts the recharge over its area during its window; the flow is re-solved on and off.

Steady flow in a 100 x 50 x 10 m block (20 x 10 x 2 cells), heads 10 m on xmin and xmax,
recharge 0.2 m/yr (flux boundary on zmax; yr is the Julian year, 365.25 d). A cap over
x <= 50 m (half the top: 2500 m2) with factor 0.2 from 100 to 200 d of a 300-d run (outputs at
50, 150, 250 d).
Asserted from budget.csv: the recharge inflow at 150 d is (0.5 + 0.5 x 0.2) = 0.6 of that at
50 d and at 250 d (1e-10), equal to 0.2 m/yr x 5000 m2 before and after; every budget closes
(1e-10); the head under the cap at 150 d is lower than at 50 d; the ledger lists the cap area
(2500 m2) and its material (2500 m2 x 0.3 m x 1.9 kg/L).
Usage: check_cap.py TERRAFATE WORKDIR
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "transport"))
import transport_outputs as outputs  # noqa: E402
from ledger import compare, read_ledger  # noqa: E402

DECK = """
title: cap
grid: {size: [100, 50, 10], cells: [20, 10, 2]}
materials:
  - {name: sand, region: all, hydraulic_conductivity: 5, porosity: 0.3}
flow:
  type: steady
  boundaries:
    - {face: xmin, type: head, head: 10}
    - {face: xmax, type: head, head: 10}
    - {face: zmax, type: flux, flux: "0.2 m/yr"}
remediation:
  - name: cap
    type: cap
    region: {box: {min: [0, 0, 0], max: [50, 50, 10]}}
    start: 100
    end: 200
    factor: 0.2
    material: {name: clay_liner, thickness: 0.3, density: 1.9}
time: {end: 300, max_step: 10, output_times: [50, 150, 250]}
observations:
  points:
    - {name: under, position: [27.5, 22.5, 2.5]}
output: {hdf5: false, vtk: false}
"""


def main():
    terrafate, workdir = sys.argv[1:3]
    os.makedirs(workdir, exist_ok=True)
    out = outputs.run_text(terrafate, workdir, "cap", DECK)
    failures = []
    recharge, totals = {}, {}
    for t, component, inflow, outflow, _ in outputs.read_csv(
            os.path.join(out, "budget.csv"), ["time", "component", "inflow", "outflow", "unit"]):
        t = float(t)
        total = totals.setdefault(t, [0.0, 0.0])
        total[0] += float(inflow)
        total[1] += float(outflow)
        if component.endswith("zmax"):
            recharge[t] = float(inflow)
    full = 0.2 / 365.25 * 5000.0  # yr: the Julian year (core kDaysPerYear)
    print(f"recharge inflow [m3/d]: {recharge} (uncapped {full})")
    for t, expected in ((50.0, full), (150.0, 0.6 * full), (250.0, full)):
        if not abs(recharge.get(t, -1.0) - expected) <= 1e-10 * full:
            failures.append(f"recharge at {t} d: {recharge.get(t)} != {expected}")
    for t, (inflow, outflow) in totals.items():
        if not abs(inflow - outflow) < 1e-10 * inflow:
            failures.append(f"budget at {t} d does not close: {inflow} vs {outflow}")
    heads = {float(t): float(v) for t, location, variable, v, _ in outputs.read_csv(
        os.path.join(out, "observations.csv"), outputs.OBSERVATIONS_HEADER) if variable == "head"}
    print(f"head under the cap: {heads}")
    if not heads[150.0] < heads[50.0]:
        failures.append("the head under the cap did not fall")
    ledger = read_ledger(out)
    compare(ledger, {("cap", "cap_area"): 2500.0,
                       ("cap", "material:clay_liner"): 2500.0 * 0.3 * 1.9 * 1000.0}, failures)
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
