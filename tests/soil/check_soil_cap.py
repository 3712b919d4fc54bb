"""A cap that halves infiltration over a uniformly contaminated soil column.

Usage: check_soil_cap.py TERRAFATE WORKDIR

The 5 m loam column of check_soil_leaching.py holds 50 mg/kg (80 g/m3 of bulk soil) over its
whole depth, without gas phase or decay; recharge 1 mm/d; a cap with factor 0.5 from 1000 d.
Until the clean water entering at the surface reaches the water table, the column leaches at the
steady rate q A B / (theta + rho_b Kd) [g/d] (B the bulk concentration, A = 100 m2). Under the
cap the water content drops to theta(q/2) while the soil keeps its mass, so the leached flux
becomes (q/2) A B / (theta_2 + rho_b Kd):
- leaching.csv before and after the cap must equal these rates to 1e-8;
- their ratio is 0.5 (theta_1 + rho_b Kd) / (theta_2 + rho_b Kd): the cap halves the flux of
  water, and the flux of mass by that up to the change of the water content.
"""
import csv
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "transport"))
import transport_outputs as outputs  # noqa: E402
import soil_analytic as analytic  # noqa: E402

TEXTURE = dict(alpha=3.6, n=1.56, theta_r=0.078, theta_s=0.43, ks=0.25)
Q = 0.001
RHO_KD = 1.6 * 100 * 0.005
BULK = 50 * 1.6  # [g/m3]
AREA = 100.0

DECK = """title: cap over a contaminated soil column
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
    - {face: xmax, type: head, head: 5}
    - {face: zmax, type: flux, flux: 0.001}
transport:
  species:
    - {name: A, sorption: {type: linear, koc: 100}}
soil:
  ground_surface: 10
  layers:
    - {name: loam, top: 0, bottom: 5, texture: {alpha: 3.6, n: 1.56, theta_r: 0.078,
       theta_s: 0.43, ks: 0.25}, bulk_density: 1.6, foc: 0.005, dispersivity: 0.05}
  zones:
    - {name: site, footprint: {min: [0, 0], max: [10, 10]}, depth: [0, 5],
       concentrations: {A: 50}}
remediation:
  - {name: clay_cap, type: cap, region: {box: {min: [0, 0, 0], max: [20, 10, 10]}}, start: 1000,
     factor: 0.5, material: {name: clay, thickness: 0.6, density: 1.8}}
time:
  end: 1500
  max_step: 10
  output_times: [500, 1000, 1010, 1500]
output: {hdf5: false, vtk: false}
"""


def main():
    terrafate, workdir = sys.argv[1:3]
    out = outputs.run_text(terrafate, workdir, "cap", DECK)
    outputs.check_mass_balance(out, ["A"], 1.0e-10)
    with open(os.path.join(out, "leaching.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    rate = {float(r["time"]): float(r["value"]) for r in rows
            if r["process"] == "leached" and r["zone"] == "site" and r["species"] == "A"}
    theta_1 = analytic.unit_gradient_theta(Q, **TEXTURE)
    theta_2 = analytic.unit_gradient_theta(0.5 * Q, **TEXTURE)
    before = Q * AREA * BULK / (theta_1 + RHO_KD)
    after = 0.5 * Q * AREA * BULK / (theta_2 + RHO_KD)
    ratio = 0.5 * (theta_1 + RHO_KD) / (theta_2 + RHO_KD)
    failures = []
    for t, expected in ((500.0, before), (1000.0, before), (1010.0, after), (1500.0, after)):
        error = abs(rate[t] / expected - 1.0)
        print(f"t = {t:6g} d: leached {rate[t]:.10f} g/d, expected {expected:.10f} "
              f"(relative error {error:.2e})")
        if error > 1.0e-8:
            failures.append(f"leaching rate at {t} d off by {error:.2e}")
    measured = rate[1010.0] / rate[1000.0]
    print(f"theta {theta_1:.6f} -> {theta_2:.6f}: flux ratio {measured:.10f}, expected "
          f"{ratio:.10f}")
    if abs(measured / ratio - 1.0) > 1.0e-8:
        failures.append(f"flux ratio {measured} != {ratio}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
