#!/usr/bin/python3
"""Transport over transient flow, against two exact statements.

A. Uniform concentration is kept. A 1-D column (100 x 1 x 10 m, 50 cells, K 5 m/d, porosity 0.25,
   specific storage 1e-3 1/m: large, so the water released from storage is a good part of what
   the well pumps), heads 10 m held on both end faces, uniform initial head 10 m, a well pumping
   2 m3/d from t = 0 in the middle. C = 5 mg/L everywhere at t = 0 and in the water entering
   through both faces; dispersion, sorption (Kd 0.2 L/kg, bulk density 1.6) and TVD on. The
   head falls for months and the flow field changes every step, yet every concentration must stay
   5 mg/L to 1e-10 relative, and the mass balance close to 1e-8: the water released from elastic
   storage carries the cell's concentration. (Without that term the cells near the well lose
   mass at the rate release x C, about 2 % of C0 by 60 d.)
B. Transient flow that becomes steady reproduces steady flow: the Ogata-Banks column of
   ogata_banks.yaml-like inputs (upwind), run once with steady flow and once as transient flow
   from a uniform initial head with specific storage 1e-9 1/m (the head settles within the first
   step of 0.1 d); concentrations at 20, 50 and 100 d agree to 1e-7 of C0 (measured 7e-9; the
   difference is the flow's transient and scales with the storage: 7e-7 with 1e-7 1/m), with the
   mass balance closed to 1e-8 in both.
Usage: check_transient_flow.py TERRAFATE WORKDIR
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import transport_outputs as outputs  # noqa: E402

UNIFORM = """
title: uniform concentration under transient flow
grid: {size: [100, 1, 10], cells: [50, 1, 1]}
materials:
  - {name: sand, region: all, hydraulic_conductivity: 5, porosity: 0.25, bulk_density: 1.6,
     specific_storage: 1.0e-3, dispersivity: [2, 0.2, 0.2]}
flow:
  type: transient
  initial_head: 10
  boundaries:
    - {face: xmin, type: head, head: 10}
    - {face: xmax, type: head, head: 10}
  wells:
    - {name: PW, position: [51, 0.5], screen: [0, 10], rate: -2}
transport:
  advection: tvd
  species:
    - {name: X, diffusion: 1.0e-4, sorption: {type: linear, kd: 0.2}}
  initial:
    - {species: X, region: all, concentration: 5}
  boundaries:
    - {face: xmin, species: X, concentration: 5}
    - {face: xmax, species: X, concentration: 5}
time: {end: 120, initial_step: 0.5, step_multiplier: 1.5, max_step: 10, output_times: [5, 30, 60, 120]}
observations:
  points:
{points}
output: {hdf5: true, vtk: false}
"""

COLUMN = """
title: column, {flow_type} flow
grid: {{size: [100, 1, 1], cells: [200, 1, 1]}}
materials:
  - {{name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.25,
     specific_storage: 1.0e-9, dispersivity: [1, 0.1, 0.1]}}
flow:
  type: {flow_type}
{initial}  boundaries:
    - {{face: xmin, type: head, head: 10.5}}
    - {{face: xmax, type: head, head: 10}}
transport:
  advection: upwind
  species:
    - {{name: X, decay: {{rate: 0.01}}}}
  boundaries:
    - {{face: xmin, species: X, concentration: 1}}
time: {{end: 100, initial_step: 0.1, step_multiplier: 2, max_step: 2, output_times: [20, 50, 100]}}
observations:
  points:
{points}
output: {{hdf5: false, vtk: false}}
"""


def main():
    terrafate, workdir = sys.argv[1:3]
    os.makedirs(workdir, exist_ok=True)
    failures = []

    # A: uniform concentration.
    points = "\n".join(f"    - {{name: p{x}, position: [{x}, 0.5, 5]}}" for x in (1, 25, 49, 51, 75, 99))
    out = outputs.run_text(terrafate, workdir, "uniform", UNIFORM.replace("{points}", points))
    outputs.check_mass_balance(out, ["X"], 1e-8)
    _, fields = outputs.read_fields(out, ["X"])
    worst = max(abs(field["X"] - 5.0).max() / 5.0 for _, field in fields)
    heads = [float(v) for _, location, variable, v, _ in outputs.read_csv(
        os.path.join(out, "observations.csv"), outputs.OBSERVATIONS_HEADER)
        if variable == "head" and location == "p49"]
    print(f"A: head at the well cell falls to {min(heads):.4f} m; largest |C - 5| / 5 = {worst:.2e}")
    if not min(heads) < 9.9:
        failures.append(f"A: the head hardly changed ({min(heads)} m): not a transient test")
    if not worst < 1e-10:
        failures.append(f"A: uniform concentration not kept ({worst:.2e})")

    # B: transient flow that settles vs steady flow.
    points = "\n".join(f"    - {{name: p{x}, position: [{x}, 0.5, 0.5]}}" for x in (5, 15, 30, 50))
    results = {}
    for flow_type, initial in (("steady", ""), ("transient", "  initial_head: 10\n")):
        out = outputs.run_text(terrafate, workdir, f"column_{flow_type}", COLUMN.format(flow_type=flow_type, initial=initial, points=points))
        outputs.check_mass_balance(out, ["X"], 1e-8)
        results[flow_type] = outputs.concentrations(out, ["X"])
    if set(results["steady"]) != set(results["transient"]):
        failures.append("B: the two runs report different observations")
    else:
        difference = max(abs(results["steady"][key] - results["transient"][key])
                         for key in results["steady"])
        print(f"B: steady vs transient flow, largest difference {difference:.2e} (C0 = 1)")
        if not difference < 1e-7:
            failures.append(f"B: transient and steady flow differ by {difference:.2e}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
