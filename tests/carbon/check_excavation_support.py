"""Sheet piling and dewatering of an excavation pit (issue 22) by hand.

Usage: check_excavation_support.py TERRAFATE WORKDIR

A 10 m aquifer (grid top, the ground surface, at z = 10 m) on 10 x 10 x 5 m cells. The pit is
the box x 12-37 m, y 0-20 m, z 4-10 m, which does not follow the cell faces: the sheet piles go
round the exact box, not round the cells it snaps to.
- sheet piling, steel_per_m2 120 kg/m2, embedment 3.5 m: perimeter 2 x (25 + 20) = 90 m, wall
  height (10 - 4) + 3.5 = 9.5 m, 855 m2, 102,600 kg of material:steel_sheet_pile, booked at the
  excavation (50 d), t CO2e = 102,600 x 2.03 kg/kg (ICE v2.0 steel section, emission_factors.csv)
  / 1000 = 208.278 t, phase construction;
- dewatering, rate 200 m3/d for 30 d at 0.5 kWh/m3: 6,000 m3 of dewatering_water and 3,000 kWh
  of electricity:dewatering from 50 to 80 d, t CO2e = 3,000 x 0.5366 (china-national-2022) /
  1000 = 1.6098 t, phase construction; footprint.csv's water_used for the pit = 6,000 m3;
- a second excavation without the keys books neither item;
- land disturbed: each excavation books excavated_area, the plan area of its box as given
  (pit 25 x 20 = 500 m2, plain_pit 20 x 20 = 400 m2), which footprint.csv reports as
  land_disturbed [m2]; so does a cap's cap_area (the top cells whose centres lie in its box,
  x 0-10 m, y 0-20 m: 2 cells of 10 x 10 m = 200 m2);
- overburden above a deep pit, box x 60-68 m, y 0-20 m, z 0-5 m under the surface at 10 m:
  overburden_volume = 8 x 20 x (10 - 5) = 800 m3, diesel = 1.5 L/m3 x 800 m3 (the exact dug
  volume) + 2 L/m3 x 800 m3 (overburden) = 2,800 L, t CO2e = 2,800 x 2.6676 / 1000 = 7.46928;
- thermal treatment with 4 heater wells, region z 0-10 m: 4 x 10 = 40 m of drilling at its start
  (100 d), 40 x 13.1052 kg/m / 1000 t CO2e (the deck's drilling factor: the table's row is
  missing, no published per-metre value).
Then bad input: sheet piling around the region `all`, dewatering without `days`, and overburden
for a pit whose top is the ground surface, each exit 2 with the key named.
"""
import csv
import math
import os
import shutil
import subprocess
import sys

DECK = """title: sheet piling and dewatering of an excavation pit
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
    - {name: PCE, decay: {rate: 0.001}}
  initial:
    - {species: PCE, region: {box: {min: [10, 0, 0], max: [40, 20, 10]}}, concentration: 1}
remediation:
  - {name: pit, type: excavation, region: {box: {min: [12, 0, 4], max: [37, 20, 10]}}, start: 50,
     haul_distance: 20, diesel_per_m3: 1.5,
     sheet_piling: {steel_per_m2: "120 kg/m2", embedment: "3.5 m"},
     dewatering: {rate: "200 m3/d", days: 30, energy: 0.5}}
  - {name: plain_pit, type: excavation, region: {box: {min: [70, 0, 5], max: [90, 20, 10]}},
     start: 50, haul_distance: 20, diesel_per_m3: 1.5}
  - {name: deep_pit, type: excavation, region: {box: {min: [60, 0, 0], max: [68, 20, 5]}},
     start: 50, haul_distance: 20, diesel_per_m3: 1.5, overburden: {diesel_per_m3: 2}}
  - {name: cover, type: cap, region: {box: {min: [0, 0, 0], max: [10, 20, 10]}}, start: 0,
     factor: 0.5, material: {name: hdpe, thickness: 0.002, density: 0.95}}
  - {name: heat, type: thermal, region: {box: {min: [40, 0, 0], max: [60, 20, 10]}}, start: 100,
     end: 200, rates: {PCE: 0.05}, electricity: 0.1, wells: 4}
carbon:
  grid: china-national-2022
  factors:
    drilling: {value: 13.1052, source: "test basis: 2 L diesel/m x 2.6676 + 2.2 kg PVC/m x 3.10 + 1 kg cement/m x 0.95"}
  indicators: [ghg, water, land]
time:
  end: 365
  max_step: 25
  output_times: [0, 365]
output: {hdf5: false, vtk: false}
"""
STEEL = 2 * (25 + 20) * ((10 - 4) + 3.5) * 120.0  # kg
STEEL_FACTOR = 2.03  # kg CO2e/kg
WATER = 200.0 * 30.0  # m3
KWH = WATER * 0.5
GRID = 0.5366  # kg CO2/kWh
DRILLING = 2 * 2.6676 + 2.2 * 3.10 + 1.0 * 0.95  # kg CO2e/m, the derivation in its row


def run(terrafate, deck_text, workdir, name):
    deck = os.path.join(workdir, name + ".yaml")
    open(deck, "w").write(deck_text)
    out = os.path.join(workdir, name)
    result = subprocess.run([terrafate, "run", deck, "-o", out], capture_output=True, text=True,
                            timeout=600)
    return result, out


def main():
    terrafate, workdir = sys.argv[1:3]
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    result, out = run(terrafate, DECK, workdir, "pit")
    if result.returncode != 0:
        sys.exit(f"FAIL: run exited {result.returncode}: {result.stderr[-2000:]}")
    failures = []
    ledger = list(csv.DictReader(open(os.path.join(out, "ledger.csv"))))
    carbon = list(csv.DictReader(open(os.path.join(out, "carbon.csv"))))
    footprint = list(csv.DictReader(open(os.path.join(out, "footprint.csv"))))

    def one(rows, action, item):
        found = [r for r in rows if r["action"] == action and r["item"] == item]
        if len(found) != 1:
            failures.append(f"{len(found)} rows for {action} {item}, expected 1")
            return None
        return found[0]

    hand = {"material:steel_sheet_pile": (STEEL, "kg", 50.0, 50.0, STEEL * STEEL_FACTOR / 1000),
            "dewatering_water": (WATER, "m3", 50.0, 80.0, None),
            "electricity:dewatering": (KWH, "kWh", 50.0, 80.0, KWH * GRID / 1000)}
    for item, (quantity, unit, start, end, tco2e) in hand.items():
        row = one(ledger, "pit", item)
        if row is None:
            continue
        print(f"pit {item}: {row['quantity']} {row['unit']} {row['start']}-{row['end']} d "
              f"(hand {quantity:g} {unit} {start:g}-{end:g} d)")
        if not math.isclose(float(row["quantity"]), quantity, rel_tol=1e-12) or row["unit"] != unit:
            failures.append(f"{item}: {row['quantity']} {row['unit']}, hand {quantity} {unit}")
        if float(row["start"]) != start or float(row["end"]) != end:
            failures.append(f"{item}: {row['start']}-{row['end']} d, hand {start}-{end} d")
        if tco2e is None:
            continue
        line = one(carbon, "pit", item)
        if line is None:
            continue
        print(f"  {line['tco2e']} t CO2e (hand {tco2e:.10g}), phase {line['phase']}")
        if not math.isclose(float(line["tco2e"]), tco2e, rel_tol=1e-12):
            failures.append(f"{item}: {line['tco2e']} t CO2e, hand {tco2e}")
        if line["phase"] != "construction":
            failures.append(f"{item}: phase {line['phase']}, expected construction")
    for action, area in (("pit", 500.0), ("plain_pit", 400.0), ("cover", 200.0)):
        item = "cap_area" if action == "cover" else "excavated_area"
        row = one(ledger, action, item)
        land = [r for r in footprint if r["action"] == action and r["indicator"] == "land_disturbed"]
        got = sum(float(r["quantity"]) for r in land)
        print(f"{action} {item} {row and row['quantity']} m2, land_disturbed {got} m2 "
              f"(hand {area:g})")
        if row is None or not math.isclose(float(row["quantity"]), area, rel_tol=1e-12):
            failures.append(f"{action}: {item} {row and row['quantity']}, hand {area}")
        if not math.isclose(got, area, rel_tol=1e-12) or any(r["unit"] != "m2" for r in land):
            failures.append(f"{action}: land_disturbed {got}, hand {area}")
    for item, quantity, unit in (("overburden_volume", 800.0, "m3"), ("diesel", 2800.0, "L")):
        row = one(ledger, "deep_pit", item)
        print(f"deep_pit {item}: {row and row['quantity']} (hand {quantity:g} {unit})")
        if row is None or not math.isclose(float(row["quantity"]), quantity, rel_tol=1e-12) or \
                row["unit"] != unit:
            failures.append(f"deep_pit {item}: {row and row['quantity']}, hand {quantity} {unit}")
    line = one(carbon, "deep_pit", "diesel")
    if line is not None:
        print(f"  diesel {line['tco2e']} t CO2e (hand {2800 * 2.6676 / 1000:.10g})")
        if not math.isclose(float(line["tco2e"]), 2800 * 2.6676 / 1000, rel_tol=1e-12):
            failures.append(f"deep_pit diesel {line['tco2e']} t CO2e")
    if any(r["item"] == "overburden_volume" and r["action"] != "deep_pit" for r in ledger):
        failures.append("overburden_volume booked without the overburden key")
    drilled = one(ledger, "heat", "drilling")
    drilled_line = one(carbon, "heat", "drilling")
    if drilled is not None and drilled_line is not None:
        print(f"heat drilling {drilled['quantity']} m at {drilled['start']} d (hand 40 m at 100 d), "
              f"{drilled_line['tco2e']} t CO2e (hand {40 * DRILLING / 1000:.10g})")
        if not math.isclose(float(drilled["quantity"]), 40.0, rel_tol=1e-12) or \
                float(drilled["start"]) != 100.0:
            failures.append(f"heat: drilling {drilled['quantity']} m at {drilled['start']} d")
        if not math.isclose(float(drilled_line["tco2e"]), 40 * DRILLING / 1000, rel_tol=1e-12):
            failures.append(f"heat: drilling {drilled_line['tco2e']} t CO2e")
    water = [r for r in footprint if r["action"] == "pit" and r["indicator"] == "water_used"]
    total = sum(float(r["quantity"]) for r in water)
    print(f"pit water_used: {total} m3 (hand {WATER:g})")
    if not math.isclose(total, WATER, rel_tol=1e-12) or any(r["unit"] != "m3" for r in water):
        failures.append(f"footprint.csv water_used {total}, hand {WATER}")
    for item in hand:
        if any(r["action"] == "plain_pit" and r["item"] == item for r in ledger):
            failures.append(f"plain_pit books {item} without sheet_piling or dewatering")

    # A polygon pit (the triangle (12, 0), (37, 0), (37, 20), z 4-10 m): the piles go round its
    # edges, 25 + 20 + sqrt(25^2 + 20^2) m, and its land disturbed is the triangle, 250 m2.
    triangle = DECK.replace("region: {box: {min: [12, 0, 4], max: [37, 20, 10]}}",
                            "region: {polygon: [[12, 0], [37, 0], [37, 20]], z: [4, 10]}")
    result, tri_out = run(terrafate, triangle, workdir, "triangle")
    if result.returncode != 0:
        failures.append(f"triangle: exit {result.returncode}: {result.stderr[-500:]}")
    else:
        tri = list(csv.DictReader(open(os.path.join(tri_out, "ledger.csv"))))
        steel = one(tri, "pit", "material:steel_sheet_pile")
        area = one(tri, "pit", "excavated_area")
        hand_steel = (45 + math.hypot(25, 20)) * 9.5 * 120.0
        print(f"triangle steel {steel and steel['quantity']} kg (hand {hand_steel:.10g}), "
              f"area {area and area['quantity']} m2 (hand 250)")
        if steel is None or not math.isclose(float(steel["quantity"]), hand_steel, rel_tol=1e-12):
            failures.append(f"triangle steel {steel and steel['quantity']}, hand {hand_steel}")
        if area is None or not math.isclose(float(area["quantity"]), 250.0, rel_tol=1e-12):
            failures.append(f"triangle area {area and area['quantity']}, hand 250")
    bad = {
        "all": (DECK.replace("region: {box: {min: [12, 0, 4], max: [37, 20, 10]}}",
                             "region: all"), "sheet_piling"),
        "no_days": (DECK.replace("days: 30, ", ""), "dewatering"),
        "overburden_at_surface": (DECK.replace("diesel_per_m3: 1.5,\n     sheet_piling",
                                               "diesel_per_m3: 1.5, overburden: {diesel_per_m3: 2},"
                                               "\n     sheet_piling"), "overburden"),
    }
    for name, (text, key) in bad.items():
        if text == DECK:
            failures.append(f"bad deck {name}: the replacement did not apply")
            continue
        result, _ = run(terrafate, text, workdir, name)
        print(f"bad deck {name}: exit {result.returncode}: {result.stderr.strip()[-300:]}")
        if result.returncode != 2 or key not in result.stderr:
            failures.append(f"bad deck {name}: exit {result.returncode}, '{key}' named: "
                            f"{key in result.stderr}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
