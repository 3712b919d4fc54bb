"""A chemical oxidation that starts on a trigger, with a duration (issue 21).

Usage: check_triggered_isco.py TERRAFATE WORKDIR

The batch of check_isco.py (no flow, no dispersion) with TCE at 1 mg/L everywhere and a
permanganate oxidation `start: {trigger: {location: P, species: TCE, above: 0.5 mg/L,
checked: 5 d}}, duration: 20 d`, one injection of 0.045 kg 2 d after the firing.
By hand: TCE is 1 mg/L > 0.5 at the first check (5 d), so the action fires at 5 d and runs to
25 d; the oxidant arrives at 5 + 2 = 7 d (MnO4 is 0 at 7 d, positive at 8 d, TCE 1 mg/L until
7 d); with no flow, nothing reacts after 25 d (TCE and MnO4 at 40 d equal their 25 d values to
1e-12); the ledger's rows run from 5 to 25 d with material:MnO4 0.045 kg and injection_points 4
(the drilling of the injection points, if counted, at the firing: 5 to 5 d).
"""
import csv
import math
import os
import shutil
import subprocess
import sys

DECK = """title: triggered ISCO batch
grid: {size: [5, 1, 1], cells: [5, 1, 1]}
materials:
  - {name: sand, region: all, hydraulic_conductivity: 1, porosity: 0.3, bulk_density: 1.5,
     dispersivity: [0, 0, 0]}
flow:
  type: steady
  boundaries:
    - {face: xmin, type: head, head: 10}
    - {face: xmax, type: head, head: 10}
transport:
  advection: upwind
  species:
    - {name: TCE, sorption: {type: linear, kd: 0.2}}
    - {name: MnO4}
  initial:
    - {species: TCE, region: all, concentration: 1}
remediation:
  - name: isco
    type: chemical_oxidation
    region: all
    start: {trigger: {location: P, species: TCE, above: "0.5 mg/L", checked: "5 d"}}
    duration: "20 d"
    oxidant: MnO4
    injections: [{time: 2, mass: 0.045}]
    rate_constants: {TCE: 0.01}
    demand: {TCE: 2.41}
    natural_demand: 0.05
    injection_points: 4
time: {end: 40, max_step: 1, output_times: [1, 5, 7, 8, 10, 25, 40]}
observations:
  points:
    - {name: P, position: [2.5, 0.5, 0.5]}
output: {hdf5: false, vtk: false}
"""


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def main():
    terrafate, workdir = sys.argv[1:3]
    if os.path.exists(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    deck = os.path.join(workdir, "triggered_isco.yaml")
    with open(deck, "w") as f:
        f.write(DECK)
    out = os.path.join(workdir, "out")
    result = subprocess.run([terrafate, "run", deck, "-o", out], capture_output=True, text=True,
                            timeout=300)
    if result.returncode != 0:
        sys.exit(f"FAIL: terrafate run exited {result.returncode}\n{result.stderr}")
    c = {(float(r["time"]), r["variable"]): float(r["value"])
         for r in rows(os.path.join(out, "observations.csv")) if r["location"] == "P"}
    ledger = rows(os.path.join(out, "ledger.csv"))
    # Every row runs from the firing to its end, but drilling (the injection points, at it).
    windows = sorted({(float(r["start"]), float(r["end"])) for r in ledger
                      if r["item"] != "drilling"})
    drilled = sorted({(float(r["start"]), float(r["end"])) for r in ledger
                      if r["item"] == "drilling"})
    items = {r["item"]: float(r["quantity"]) for r in ledger}
    print(f"ledger windows {windows}; items {items}")
    print("P: " + ", ".join(f"{t:g} d TCE {c[(t, 'TCE')]:.6g} MnO4 {c[(t, 'MnO4')]:.6g}"
                            for t in (1, 5, 7, 8, 10, 25, 40)))
    failures = []
    if windows != [(5.0, 25.0)]:
        failures.append(f"ledger windows {windows}, expected [(5, 25)]")
    if drilled not in ([], [(5.0, 5.0)]):
        failures.append(f"drilling {drilled}, expected at the firing [(5, 5)]")
    if items.get("material:MnO4") != 0.045 or items.get("injection_points") != 4:
        failures.append(f"material {items.get('material:MnO4')} kg, points "
                        f"{items.get('injection_points')}")
    if not (c[(7.0, "MnO4")] == 0.0 and c[(8.0, "MnO4")] > 0.0 and c[(7.0, "TCE")] == 1.0):
        failures.append("the injection is not at 7 d (5 d firing + 2 d)")
    for species in ("TCE", "MnO4"):
        if not math.isclose(c[(40.0, species)], c[(25.0, species)], rel_tol=1e-12):
            failures.append(f"{species} changes after the end at 25 d")
    if not c[(25.0, "TCE")] < 0.5:
        failures.append("TCE was not oxidized")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
