"""An excavation's ledger through the binary: the 30 x 30 x 5 m box is 4,500 m3 on 10 m, 5 m
and 2.5 m cells (the acceptance asks 1 %; the exact overlap gives it to 1e-9), and its soil goes
to the disposal routes by the deck's split.

Usage: check_box_volume.py TERRAFATE WORKDIR

The box [5, 35] x [5, 35] x [0, 5] m on a 100 x 100 x 10 m grid with 1 m layers. By hand:
requested = modelled = 30 x 30 x 5 = 4,500 m3; soil 4,500 m3 x 1.7 t/m3 = 7,650 t; haulage
7,650 t x 40 km; diesel 0.6 L/m3 x 4,500; landfill 0.6 x 7,650 t, cement kiln 0.4 x 7,650 t;
hazardous waste 7,650 t. The cells whose centres lie in the box (whose contaminant the transport
removes) are 4 x 4 columns of 10 m cells = 40 x 40 x 5 = 8,000 m3 on 10 m cells, so that run
warns (78 % more than 4,500); on 5 m and 2.5 m cells they are 30 x 30 x 5 (no warning).

A barrier wall [5, 35] x [52.5, 57.5] x [0, 10] m (installation_diesel 2 L/m3) and an EISB zone
[50, 80] x [5, 35] x [0, 5] m are booked the same way: excavated_volume = requested = 30 x 5 x
10 = 1,500 m3 and diesel 3,000 L on every grid; treated_volume = requested = 4,500 m3. The cells
with the wall's conductivity (centres in the box) are 40 x 10 x 10 m3 on 10 m cells, 30 x 10 x 10
on 5 m cells (centres on the faces) and 30 x 5 x 10 on 2.5 m cells: warned on 10 and 5 m cells.
The EISB's treated cells are as the excavation's: warned on 10 m cells.
"""
import csv
import math
import os
import shutil
import subprocess
import sys

DECK = """title: excavation box {cell} m cells
grid: {{size: [100, 100, 10], cells: [{n}, {n}, 10]}}
materials:
  - {{name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.3, bulk_density: 1.7}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: 11}}
    - {{face: xmax, type: head, head: 10}}
transport:
  species:
    - {{name: X}}
  initial:
    - {{species: X, region: {{box: {{min: [5, 5, 0], max: [35, 35, 5]}}}}, concentration: 1.0}}
remediation:
  - name: dig
    type: excavation
    start: 1
    region: {{box: {{min: [5, 5, 0], max: [35, 35, 5]}}}}
    haul_distance: 40
    diesel_per_m3: 0.6
    disposal: {{landfill: 0.6, cement_kiln: 0.4}}
    waste: hazardous
  - {{name: wall, type: barrier_wall, region: {{box: {{min: [5, 52.5, 0], max: [35, 57.5, 10]}}}},
     start: 0, hydraulic_conductivity: 0.01, installation_diesel: 2}}
  - {{name: bio, type: enhanced_bioremediation, region: {{box: {{min: [50, 5, 0], max: [80, 35, 5]}}}},
     start: 0, end: 10, rates: {{X: 0.01}}, donor: {{material: emulsified_vegetable_oil, mass: 100}}}}
time: {{end: 10, max_step: 5}}
output: {{hdf5: false, vtk: false}}
carbon:
  grid: china-national-2023
  factors: {{material:emulsified_vegetable_oil: 1.2,
            disposal:landfill: {{value: 4.1944, source: "test basis: 1.5 L diesel x 2.6676 + 0.1 kg HDPE x 1.93 per t"}},
            disposal:cement_kiln: {{value: 134.5188, source: "test basis: heat balance of wet soil to 1,450 C from coal"}}}}
"""


def main():
    terrafate, workdir = sys.argv[1:3]
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    failures = []
    soil = 4500.0 * 1.7
    for cell in (10.0, 5.0, 2.5):
        name = f"cells_{cell:g}"
        deck = os.path.join(workdir, f"{name}.yaml")
        open(deck, "w").write(DECK.format(cell=cell, n=int(100 / cell)))
        out = os.path.join(workdir, name)
        result = subprocess.run([terrafate, "run", deck, "-o", out], capture_output=True,
                                text=True, timeout=600)
        if result.returncode != 0:
            sys.exit(f"FAIL: {name} exited {result.returncode}: {result.stderr[-2000:]}")
        lines = list(csv.DictReader(open(os.path.join(out, "ledger.csv"))))
        ledger = {r["item"]: float(r["quantity"]) for r in lines if r["action"] == "dig"}

        def warns(action):
            return any(action in line and "cells whose centres lie in the region" in line
                       for line in result.stderr.splitlines())
        warned = warns("excavation 'dig'")
        print(f"{cell:g} m cells: excavated {ledger.get('excavated_volume')} m3 (requested "
              f"{ledger.get('excavated_volume_requested')}), soil {ledger.get('soil_mass')} t, "
              f"landfill {ledger.get('disposal:landfill')} t, kiln "
              f"{ledger.get('disposal:cement_kiln')} t; centre-rule warning {warned}")
        expected = {"excavated_volume": 4500.0, "excavated_volume_requested": 4500.0,
                    "soil_mass": soil, "haulage": soil * 40, "diesel": 0.6 * 4500,
                    "disposal:landfill": 0.6 * soil, "disposal:cement_kiln": 0.4 * soil,
                    "waste:hazardous": soil}
        for item, value in expected.items():
            if not math.isclose(ledger.get(item, -1.0), value, rel_tol=1e-9):
                failures.append(f"{cell:g} m: {item} {ledger.get(item)} != {value}")
        if warned != (cell == 10.0):
            failures.append(f"{cell:g} m: centre-rule warning {warned}")
        # The wall and the EISB zone: the box's exact overlap, requested = modelled.
        other = {(r["action"], r["item"]): float(r["quantity"]) for r in lines}
        for key, value in ((("wall", "excavated_volume"), 1500.0),
                           (("wall", "excavated_volume_requested"), 1500.0),
                           (("wall", "diesel"), 3000.0), (("bio", "treated_volume"), 4500.0),
                           (("bio", "treated_volume_requested"), 4500.0)):
            print(f"{cell:g} m cells: {key[0]} {key[1]} {other.get(key)} (hand {value})")
            if not math.isclose(other.get(key, -1.0), value, rel_tol=1e-9):
                failures.append(f"{cell:g} m: {key} {other.get(key)} != {value}")
        for action, expected_warning in (("barrier_wall 'wall'", cell != 2.5),
                                         ("enhanced_bioremediation 'bio'", cell == 10.0)):
            if warns(action) != expected_warning:
                failures.append(f"{cell:g} m: {action} centre-rule warning {warns(action)}")
        carbon = {r["item"]: float(r["tco2e"])
                  for r in csv.DictReader(open(os.path.join(out, "carbon.csv")))
                  if r["action"] == "dig"}
        for item in ("disposal:landfill", "disposal:cement_kiln"):
            if not carbon.get(item, 0.0) > 0.0:
                failures.append(f"{cell:g} m: carbon.csv lacks {item}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
