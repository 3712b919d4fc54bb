#!/usr/bin/python3
"""Enhanced bioremediation acts only inside its region and its window.

One layer of 3 rows (y = 0-10, 10-20, 20-30 m) and 60 columns of 2 m, steady flow along x,
no transverse dispersion or diffusion, so the rows do not exchange mass. PCE decays to TCE
(first order, 0.001 1/d). Initial PCE 10 mg/L in x = 10-30 m of rows 1 and 3. The action
multiplies the rates of PCE and TCE by 20 in x = 40-80 m of row 3 over 100-200 d. Compared with
the same deck without the action (the natural baseline):
* every concentration of row 1 at every output time, and of all rows before 100 d, agrees to
  1e-12 of the largest concentration;
* row 3 differs downstream of the region once the window has begun (less PCE at 200 d);
* the ledger lists the donor mass (500 kg), and destroyed:PCE (the PCE decayed in the region
  while the window was open) lies between the extra PCE decay over the baseline by 300 d (the
  treatment adds decay only there, and leaves less PCE to decay downstream) and all the PCE
  decay of the run between 100 and 200 d.
Usage: check_eisb.py TERRAFATE WORKDIR
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "transport"))
import transport_outputs as outputs  # noqa: E402
from ledger import compare, read_ledger  # noqa: E402

DECK = """
title: EISB {title}
grid: {{size: [120, 30, 5], cells: [60, 3, 1]}}
materials:
  - {{name: sand, region: all, hydraulic_conductivity: 20, porosity: 0.3, dispersivity: [2, 0, 0]}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: 10.6}}
    - {{face: xmax, type: head, head: 10}}
transport:
  species:
    - {{name: PCE, decay: {{rate: 0.001}}}}
    - {{name: TCE, decay: {{rate: 0.001}}}}
  reactions:
    - {{type: decay, from: PCE, to: TCE, yield: 0.792}}
  initial:
    - {{species: PCE, region: {{box: {{min: [10, 0, 0], max: [30, 10, 5]}}}}, concentration: 10}}
    - {{species: PCE, region: {{box: {{min: [10, 20, 0], max: [30, 30, 5]}}}}, concentration: 10}}
{remediation}time: {{end: 300, max_step: 10, output_times: [50, 100, 150, 200, 300]}}
output: {{hdf5: true, vtk: false}}
"""
ACTION = """remediation:
  - name: eisb
    type: enhanced_bioremediation
    region: {box: {min: [40, 20, 0], max: [80, 30, 5]}}
    start: 100
    end: 200
    factor: 20
    species: [PCE, TCE]
    donor: {material: emulsified_vegetable_oil, mass: 500}
"""


def run(terrafate, workdir, name, remediation):
    deck = os.path.join(workdir, f"{name}.yaml")
    with open(deck, "w") as f:
        f.write(DECK.format(title=name, remediation=remediation))
    out = os.path.join(workdir, name)
    outputs.run(terrafate, deck, out)
    balance = outputs.check_mass_balance(out, ["PCE", "TCE"], 1e-8)
    return out, outputs.read_fields(out, ["PCE", "TCE"])[1], balance


def main():
    terrafate, workdir = sys.argv[1:3]
    os.makedirs(workdir, exist_ok=True)
    _, baseline, base_balance = run(terrafate, workdir, "baseline", "")
    out, treated, balance = run(terrafate, workdir, "treated", ACTION)
    scale = max(field.max() for _, fields in baseline for field in fields.values())
    failures = []
    worst_row1 = worst_before = 0.0
    for (t, base), (_, fields) in zip(baseline, treated):
        for species in ("PCE", "TCE"):
            difference = np.abs(base[species] - fields[species]) / scale
            worst_row1 = max(worst_row1, difference[:, 0, :].max())
            if t <= 100.0:
                worst_before = max(worst_before, difference.max())
    print(f"row 1 (outside the region), largest difference {worst_row1:.2e}; all rows up to "
          f"100 d, {worst_before:.2e} (of the largest concentration)")
    if not worst_row1 <= 1e-12:
        failures.append(f"row 1 changed by {worst_row1:.2e}")
    if not worst_before <= 1e-12:
        failures.append(f"concentrations before the window changed by {worst_before:.2e}")
    base_200 = dict(baseline)[200.0]["PCE"][:, 2, :].sum()
    treated_200 = dict(treated)[200.0]["PCE"][:, 2, :].sum()
    print(f"row 3 PCE at 200 d: baseline {base_200:.5g}, treated {treated_200:.5g}")
    if not treated_200 < 0.9 * base_200:
        failures.append("the treatment did not lower PCE in row 3")
    ledger = read_ledger(out)
    destroyed = ledger.get(("eisb", "destroyed:PCE"), 0.0)
    decayed = {row["time"]: row["decayed"] for row in balance if row["species"] == "PCE"}
    base_decayed = {row["time"]: row["decayed"] for row in base_balance
                    if row["species"] == "PCE"}
    extra = decayed[300.0] - base_decayed[300.0]
    print(f"ledger destroyed:PCE {destroyed:.6g} g; extra PCE decay over the baseline "
          f"{extra:.6g} g; donor {ledger.get(('eisb', 'material:emulsified_vegetable_oil'))} kg")
    if ledger.get(("eisb", "material:emulsified_vegetable_oil")) != 500.0:
        failures.append("donor mass not in the ledger")
    window = decayed[200.0] - decayed[100.0]
    if not extra <= destroyed <= window:
        failures.append(f"destroyed {destroyed} not within [{extra}, {window}]")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
