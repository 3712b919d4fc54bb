"""Soil vapour extraction and excavation acting on the soil columns, vs hand calculations.

Usage: check_soil_actions.py TERRAFATE WORKDIR

No recharge (the water content is theta_r = 0.078, air-filled porosity 0.352), no decay, no
diffusion: nothing moves in the columns except what the actions take. Species A: Koc 100 L/kg on
foc 0.005 (rho_b Kd = 0.8), Henry's constant 0.3.
- Column x = 5 (100 m2) holds 40 mg/kg over its 5 m: 32000 g. Vapour extraction at 0.01 /d over
  its whole depth from 100 to 600 d removes the gas phase at k_eff = 0.01 x 0.352 x 0.3 /
  (0.078 + 0.8 + 0.352 x 0.3) per day; backward Euler over the 50 steps of 10 d leaves
  (1 + 10 k_eff)^-50 of the mass. The ledger's removed:A must match to 1e-10 and stay within 1 %
  of the exact exponential; the blower's electricity is 3 kW x 24 h x 500 d.
- Column x = 15 holds 10 mg/kg between 0 and 2 m depth: 3200 g. Excavating 0-2 m there at 300 d
  removes all of it (before the step from 300 d: the output at 300 d still shows it):
  ledger removed 3200 g, 200 m3, 320 t of soil (1.6 t/m3), 400 L of diesel, 6400 t*km of
  haulage; soil.csv shows 10 mg/kg at 300 d and 0 at 310 d.
- mass_balance.csv closes to 1e-10, with removed = both actions' mass.
"""
import csv
import math
import os
import sys

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "transport"))
sys.path.insert(0, os.path.join(HERE, "..", "remediation"))
import transport_outputs as outputs  # noqa: E402
from ledger import compare, read_ledger  # noqa: E402

DECK = """title: vapour extraction and excavation of soil
grid:
  origin: [0, 0, 0]
  size: [20, 10, 5]
  cells: [2, 1, 1]
materials:
  - {name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.3, bulk_density: 1.6,
     foc: 0.001, dispersivity: [1, 0.1, 0.1]}
flow:
  type: steady
  boundaries:
    - {face: xmin, type: head, head: 5}
    - {face: xmax, type: head, head: 5}
transport:
  species:
    - {name: A, sorption: {type: linear, koc: 100}, henry: 0.3}
soil:
  ground_surface: 10
  layers:
    - {name: loam, top: 0, bottom: 5, texture: {alpha: 3.6, n: 1.56, theta_r: 0.078,
       theta_s: 0.43, ks: 0.25}, bulk_density: 1.6, foc: 0.005}
  zones:
    - {name: vapour, footprint: {min: [0, 0], max: [10, 10]}, depth: [0, 5],
       concentrations: {A: 40}}
    - {name: dig, footprint: {min: [10, 0], max: [20, 10]}, depth: [0, 2],
       concentrations: {A: 10}}
  report_depths: [0, 2, 5]
remediation:
  - {name: sve, type: soil_vapour_extraction, region: {box: {min: [0, 0, 5], max: [10, 10, 10]}},
     start: 100, end: 600, removal_rate: 0.01, power: 3 kW}
  - {name: dig_out, type: excavation, region: {box: {min: [10, 0, 8], max: [20, 10, 10]}},
     start: 300, haul_distance: 20, diesel_per_m3: 2}
time:
  end: 800
  max_step: 10
  output_times: [0, 290, 300, 310, 600, 800]
output: {hdf5: false, vtk: false}
"""


def main():
    terrafate, workdir = sys.argv[1:3]
    out = outputs.run_text(terrafate, workdir, "actions", DECK)
    failures = []
    theta, air, rho_kd, henry, rate = 0.078, 0.43 - 0.078, 0.8, 0.3, 0.01
    k_eff = rate * air * henry / (theta + rho_kd + air * henry)
    initial = 40 * 1.6 * 5 * 100.0
    left = (1.0 + 10.0 * k_eff) ** -50
    extracted = initial * (1.0 - left)
    exponential = initial * (1.0 - math.exp(-k_eff * 500.0))
    print(f"k_eff = {k_eff:.6e} /d; extracted {extracted:.4f} g (backward Euler), "
          f"{exponential:.4f} g (exact exponential)")
    if abs(extracted / exponential - 1.0) > 0.01:
        failures.append("the backward-Euler reference strays from the exponential")
    ledger = read_ledger(out)
    compare(ledger, {
        ("sve", "removed:A"): extracted,
        ("sve", "electricity:blower"): 3 * 24 * 500.0,
        ("sve", "treated_volume"): 500.0,
        ("dig_out", "removed:A"): 3200.0,
        ("dig_out", "excavated_volume"): 200.0,
        ("dig_out", "soil_mass"): 320.0,
        ("dig_out", "diesel"): 400.0,
        ("dig_out", "haulage"): 6400.0,
    }, failures)
    rows = outputs.check_mass_balance(out, ["A"], 1.0e-10)
    final = rows[-1]
    expected_removed = extracted + 3200.0
    print(f"mass_balance at 800 d: soil {final['soil']:.6f} g, removed {final['removed']:.6f} g "
          f"(expected {initial + 3200 - expected_removed:.6f}, {expected_removed:.6f})")
    if abs(final["removed"] / expected_removed - 1.0) > 1e-10:
        failures.append(f"removed {final['removed']} != {expected_removed}")
    with open(os.path.join(out, "soil.csv"), newline="") as f:
        soil = {(float(r["time"]), r["zone"], float(r["depth_top"])):
                float(r["concentration_mg_per_kg"]) for r in csv.DictReader(f)}
    expected_soil = {(300.0, "dig", 0.0): 10.0, (310.0, "dig", 0.0): 0.0,
                     (290.0, "vapour", 2.0): 40.0 * (1 + 10 * k_eff) ** -19,
                     (800.0, "vapour", 0.0): 40.0 * left}
    for key, value in expected_soil.items():
        print(f"soil.csv {key}: {soil[key]} mg/kg (expected {value})")
        if abs(soil[key] - value) > 1e-10 * max(1.0, value):
            failures.append(f"soil.csv {key} = {soil[key]}, expected {value}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
