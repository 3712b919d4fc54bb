#!/usr/bin/python3
"""Pump-and-treat with re-injection of the treated water: a closed recirculation cell.

A 1-D column (50 cells of 2 m, 10 m2 cross-section) closed but for a general-head anchor of
negligible conductance; an extraction well at x = 81 m and a re-injection well at x = 19 m, both
5 m3/d, over 0-200 d of a 300-d run; 2 mg/L of X initially in x = 30-60 m, no decay. The treated
water of each step is re-injected over the next step; the last step's is discharged.
* Without treatment (efficiency 0) the only mass leaving the aquifer is that discharged water:
  the dissolved mass at 300 d equals the initial mass minus ledger discharged:X (1e-9), and
  extracted = removed + reinjected + discharged (1e-12).
* With complete treatment (efficiency 1) nothing is re-injected (reinjected:X = 0) and
  removed:X = extracted:X.
Both mass balances close to 1e-8.
Usage: check_reinjection.py TERRAFATE WORKDIR
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "transport"))
import transport_outputs as outputs  # noqa: E402
from ledger import read_ledger  # noqa: E402

DECK = """
title: recirculation
grid: {{size: [100, 10, 1], cells: [50, 1, 1]}}
materials:
  - {{name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.3, dispersivity: [1, 0.1, 0.1]}}
flow:
  type: steady
  boundaries:
    - {{face: xmax, type: general_head, head: 10, conductance: 1.0e-9}}
transport:
  species:
    - {{name: X}}
  initial:
    - {{species: X, region: {{box: {{min: [30, 0, 0], max: [60, 10, 1]}}}}, concentration: 2}}
remediation:
  - name: pt
    type: pump_and_treat
    start: 0
    end: 200
    wells: [{{name: EW, position: [81, 5], screen: [0, 1], rate: -5}}]
    reinjection: [{{name: IW, position: [19, 5], screen: [0, 1], rate: 5}}]
    treatment_efficiency: {{X: {efficiency}}}
    pump_efficiency: 0.7
time: {{end: 300, max_step: 10, output_times: [300]}}
output: {{hdf5: false, vtk: false}}
"""


def run(terrafate, workdir, efficiency):
    out = outputs.run_text(terrafate, workdir, f"eff{efficiency}", DECK.format(efficiency=efficiency))
    balance = outputs.check_mass_balance(out, ["X"], 1e-8)[-1]
    return balance, {item: value for (_, item), value in read_ledger(out).items()}


def main():
    terrafate, workdir = sys.argv[1:3]
    os.makedirs(workdir, exist_ok=True)
    failures = []
    initial = 2.0 * 0.3 * 30 * 10  # g: 2 mg/L in 300 m3 of aquifer, porosity 0.3
    balance, ledger = run(terrafate, workdir, 0)
    extracted, removed = ledger["extracted:X"], ledger["removed:X"]
    reinjected, discharged = ledger["reinjected:X"], ledger["discharged:X"]
    print(f"efficiency 0: extracted {extracted:.9g} g, reinjected {reinjected:.9g} g, "
          f"discharged {discharged:.9g} g; dissolved at 300 d {balance['dissolved']:.9g} g of "
          f"{initial:g} g")
    if not abs(balance["dissolved"] - (initial - discharged)) <= 1e-9 * initial:
        failures.append("the recirculated mass is not conserved")
    if not abs(extracted - removed - reinjected - discharged) <= 1e-12 * extracted:
        failures.append("extracted != removed + reinjected + discharged")
    if not reinjected > 0.5 * extracted:
        failures.append("little was re-injected")
    balance, ledger = run(terrafate, workdir, 1)
    print(f"efficiency 1: extracted {ledger['extracted:X']:.9g} g, removed "
          f"{ledger['removed:X']:.9g} g, reinjected {ledger['reinjected:X']:.9g} g")
    if ledger["reinjected:X"] != 0.0 or ledger["removed:X"] != ledger["extracted:X"]:
        failures.append("complete treatment re-injected mass")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
