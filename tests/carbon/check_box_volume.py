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
time: {{end: 10, max_step: 5}}
output: {{hdf5: false, vtk: false}}
carbon:
  grid: china-national-2023
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
        ledger = {r["item"]: float(r["quantity"])
                  for r in csv.DictReader(open(os.path.join(out, "ledger.csv")))
                  if r["action"] == "dig"}
        warned = "cells whose centres lie in the region" in result.stderr
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
