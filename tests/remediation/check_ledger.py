#!/usr/bin/python3
"""Thermal treatment, a barrier wall and monitoring: their physics and ledger items by hand.

A 1-D column (50 cells of 2 m, 1 m2), steady flow by a flux boundary q = 0.05 m/d on xmin and a
head on xmax, PCE entering at 1 mg/L (no natural decay):
* barrier wall: x = 60-64 m with K = 0.1 m/d (the aquifer's is 10). With q fixed by the flux
  boundary, the head drop between the cell centres at 59 and 65 m is q (1 m / 10 + 4 m / 0.1 +
  1 m / 10) = 2.01 m (to 1e-9); ledger: material kg = 4 m3 x 1.8 kg/L.
* thermal: x = 20-30 m, PCE rate 0.1 1/d over 50-150 d, 2 kWh/m3/d: ledger electricity:heating
  = 2 x 10 m3 x 100 d = 2000 kWh; destroyed:PCE = the mass balance's decayed PCE (the only
  decay), and > 0.
* monitoring: 4 wells, 3 campaigns a year, 50 km each, over 0-200 d of a 200-d run: campaigns
  3 x 200 / 365.25, samples 4 x that, vehicle_km 50 x that.
Usage: check_ledger.py TERRAFATE WORKDIR
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "transport"))
import transport_outputs as outputs  # noqa: E402
from ledger import compare, read_ledger  # noqa: E402

DECK = """
title: ledger items
grid: {size: [100, 1, 1], cells: [50, 1, 1]}
materials:
  - {name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.3, dispersivity: [1, 0.1, 0.1]}
flow:
  type: steady
  boundaries:
    - {face: xmin, type: flux, flux: 0.05}
    - {face: xmax, type: head, head: 10}
transport:
  species:
    - {name: PCE}
  boundaries:
    - {face: xmin, species: PCE, concentration: 1}
remediation:
  - {name: wall, type: barrier_wall, region: {box: {min: [60, 0, 0], max: [64, 1, 1]}}, start: 0,
     hydraulic_conductivity: 0.1, material: {name: soil_bentonite, density: 1.8}}
  - {name: heat, type: thermal, region: {box: {min: [20, 0, 0], max: [30, 1, 1]}}, start: 50,
     end: 150, rates: {PCE: 0.1}, electricity: 2}
  - {name: mon, type: monitoring, start: 0, wells: 4, events_per_year: 3, vehicle_km_per_event: 50}
time: {end: 200, max_step: 10, output_times: [200]}
observations:
  points:
    - {name: up, position: [59, 0.5, 0.5]}
    - {name: down, position: [65, 0.5, 0.5]}
output: {hdf5: false, vtk: false}
"""


def main():
    terrafate, workdir = sys.argv[1:3]
    os.makedirs(workdir, exist_ok=True)
    out = outputs.run_text(terrafate, workdir, "ledger", DECK)
    balance = outputs.check_mass_balance(out, ["PCE"], 1e-8)
    failures = []
    heads = {location: float(v) for _, location, variable, v, _ in outputs.read_csv(
        os.path.join(out, "observations.csv"), outputs.OBSERVATIONS_HEADER) if variable == "head"}
    # Between the centres at 59 and 65 m: half-cells of 1 m in sand on both sides, 4 m of wall.
    expected_drop = 0.05 * (1.0 / 10 + 4.0 / 0.1 + 1.0 / 10)
    drop = heads["up"] - heads["down"]
    print(f"head drop across the wall {drop:.9f} m (by hand {expected_drop:.9f} m)")
    if not abs(drop - expected_drop) < 1e-9:
        failures.append(f"head drop {drop} != {expected_drop}")
    ledger = read_ledger(out)
    decayed = balance[-1]["decayed"]
    campaigns = 3 * 200 / 365.25
    expected = {("wall", "material:soil_bentonite"): 4.0 * 1.8 * 1000.0,
                ("heat", "electricity:heating"): 2 * 10.0 * 100.0,
                ("heat", "destroyed:PCE"): decayed,
                ("mon", "sampling_events"): campaigns, ("mon", "samples"): 4 * campaigns,
                ("mon", "vehicle_km"): 50 * campaigns}
    compare(ledger, expected, failures)
    if not decayed > 0.0:
        failures.append("no PCE destroyed by the heating")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
