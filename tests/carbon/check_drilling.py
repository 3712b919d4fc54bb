"""Drilling for injection points and soil vapour extraction wells (issue 22) by hand.

Usage: check_drilling.py TERRAFATE WORKDIR

A 10 m aquifer (grid top, the water table, at z = 10 m) under a 3 m soil column (ground surface
at z = 13 m). Each well or injection point is drilled from the ground surface to the bottom of
its action's region, booked at the action's start:
- isco (chemical_oxidation), 5 injection points, region z 4-10 m: 5 x (13 - 4) = 45 m;
- eisb (enhanced_bioremediation), 3 injection points, region z 0-10 m: 3 x 13 = 39 m;
- eisb_no_points (enhanced_bioremediation without injection_points): no drilling row;
- sve (soil_vapour_extraction), 2 wells, region z 11-13 m: 2 x (13 - 11) = 4 m.
ledger.csv must hold exactly these drilling rows (1e-12), and carbon.csv each one's
t CO2e = m x 13.1052 kg/m / 1000 (the deck's factor, {value, source}: 2 L diesel x 2.6676 + 2.2 kg
PVC x 3.10 + 1 kg cement x 0.95; data/emission_factors.csv's drilling row is missing) and cost = m x 800 CNY (carbon.costs.drilling).
"""
import csv
import math
import os
import shutil
import subprocess
import sys

DECK = """title: drilling for injection points and SVE wells
grid: {size: [100, 20, 10], cells: [10, 2, 2]}
materials:
  - {name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.3, bulk_density: 1.7,
     foc: 0.001, dispersivity: [2, 0.2, 0.05]}
flow:
  type: steady
  boundaries:
    - {face: xmin, type: head, head: 10}
    - {face: xmax, type: head, head: 9.9}
transport:
  species:
    - {name: PCE, decay: {rate: 0.001}, henry: 0.7, air_diffusion: 0.6}
    - {name: TCE, henry: 0.4, air_diffusion: 0.7}
    - {name: MnO4}
  initial:
    - {species: PCE, region: {box: {min: [10, 0, 0], max: [40, 20, 10]}}, concentration: 1}
soil:
  ground_surface: 13
  resolution: 0.1
  layers:
    - {name: loam, top: 0, bottom: 3, texture: {alpha: 3.6, n: 1.56, theta_r: 0.078,
       theta_s: 0.43, ks: 0.25}, bulk_density: 1.6, foc: 0.005}
  zones:
    - {name: site, footprint: {min: [10, 0], max: [30, 20]}, depth: [0, 2],
       concentrations: {PCE: 5}}
remediation:
  - {name: isco, type: chemical_oxidation, region: {box: {min: [10, 0, 4], max: [40, 20, 10]}},
     start: 10, end: 200, oxidant: MnO4, injections: [{time: 10, mass: 50}],
     rate_constants: {PCE: 0.001}, demand: {PCE: 1.27}, injection_points: 5}
  - {name: eisb, type: enhanced_bioremediation, region: {box: {min: [40, 0, 0], max: [60, 20, 10]}},
     start: 20, end: 300, rates: {PCE: 0.01}, products: [{from: PCE, to: TCE, yield: 0.79}],
     donor: {material: emulsified_vegetable_oil, mass: 100}, injection_points: 3}
  - {name: eisb_no_points, type: enhanced_bioremediation,
     region: {box: {min: [60, 0, 0], max: [80, 20, 10]}}, start: 20, end: 300,
     rates: {PCE: 0.01}, donor: {material: emulsified_vegetable_oil, mass: 100}}
  - {name: sve, type: soil_vapour_extraction, region: {box: {min: [10, 0, 11], max: [30, 20, 13]}},
     start: 30, end: 200, removal_rate: 0.05, power: 1, wells: 2}
carbon:
  grid: china-national-2022
  factors: {material:MnO4: 1.5, material:emulsified_vegetable_oil: 1.2,
            drilling: {value: 13.1052, source: "test basis: 2 L diesel/m x 2.6676 + 2.2 kg PVC/m x 3.10 + 1 kg cement/m x 0.95"}}
  costs: {drilling: 800}
time:
  end: 365
  max_step: 20
  output_times: [0, 365]
output: {hdf5: false, vtk: false}
"""
HAND = {"isco": (5 * (13 - 4), 10.0), "eisb": (3 * 13, 20.0), "sve": (2 * (13 - 11), 30.0)}
FACTOR = 2 * 2.6676 + 2.2 * 3.10 + 1.0 * 0.95  # kg CO2e/m
PRICE = 800.0  # CNY/m


def main():
    terrafate, workdir = sys.argv[1:3]
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    deck = os.path.join(workdir, "deck.yaml")
    open(deck, "w").write(DECK)
    out = os.path.join(workdir, "out")
    result = subprocess.run([terrafate, "run", deck, "-o", out], capture_output=True, text=True,
                            timeout=600)
    if result.returncode != 0:
        sys.exit(f"FAIL: run exited {result.returncode}: {result.stderr[-2000:]}")
    ledger = [r for r in csv.DictReader(open(os.path.join(out, "ledger.csv")))
              if r["item"] == "drilling"]
    carbon = {r["action"]: r for r in csv.DictReader(open(os.path.join(out, "carbon.csv")))
              if r["item"] == "drilling"}
    failures = []
    drilled = {r["action"]: r for r in ledger}
    if sorted(drilled) != sorted(HAND) or len(ledger) != len(HAND):
        failures.append(f"drilling rows for {sorted(r['action'] for r in ledger)}, expected "
                        f"{sorted(HAND)}")
    for action, (metres, start) in HAND.items():
        row = drilled.get(action)
        line = carbon.get(action)
        if row is None or line is None:
            failures.append(f"{action}: no drilling row in ledger.csv or carbon.csv")
            continue
        print(f"{action}: {row['quantity']} {row['unit']} from {row['start']} d (hand {metres} m "
              f"at {start:g} d); {line['tco2e']} t CO2e (hand {metres * FACTOR / 1000:.10g}), "
              f"cost {line['cost']} (hand {metres * PRICE:g})")
        if not math.isclose(float(row["quantity"]), metres, rel_tol=1e-12) or row["unit"] != "m":
            failures.append(f"{action}: {row['quantity']} {row['unit']}, hand {metres} m")
        if float(row["start"]) != start:
            failures.append(f"{action}: drilled at {row['start']} d, not at its start {start}")
        if not math.isclose(float(line["tco2e"]), metres * FACTOR / 1000.0, rel_tol=1e-12):
            failures.append(f"{action}: {line['tco2e']} t CO2e")
        if not math.isclose(float(line["cost"]), metres * PRICE, rel_tol=1e-12):
            failures.append(f"{action}: cost {line['cost']}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
