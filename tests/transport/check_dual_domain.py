#!/usr/bin/python3
"""Dual-domain (mobile-immobile) mass transfer.

1. Batch exchange (no flow, one cell of 1 m3): porosity 0.3, immobile porosity 0.2, exchange
   rate a = 0.01 1/d, rho_b Kd = 0.3 shared between the domains in proportion to their pore
   space, so the capacities are Rm = 0.3 + 0.18 = 0.48 and Rim = 0.2 + 0.12 = 0.32. The mobile
   water starts at C0 = 10 mg/L, the immobile at 0. Closed form:
     C(t) = Ceq + (C0 - Ceq) exp(-a (1/Rm + 1/Rim) t),  Ceq = Rm C0 / (Rm + Rim)
   and Cim(t) = (Rm C0 - Rm C) / Rim. A second species decays at 0.002 1/d in every phase, which
   multiplies both by exp(-0.002 t). Required: within 1e-3 C0 (0.05-d steps).
2. Column breakthrough with tailing: a 20-day pulse through a 60 m column (v = 0.5 m/d,
   aL = 0.5 m, immobile porosity 0.15, a = 0.02 1/d). Runs at dx = 0.5, 0.25 and 0.0625 m (dt =
   0.25, 0.125, 0.03125 d); the finest is the converged reference. Required: the breakthrough at
   x = 30 m of the 0.25-m run within 2 % of the peak of the reference, the error shrinking from
   the 0.5-m to the 0.25-m run by at least 1.5x, and the tail (t = 250 d) at least 5 times the
   single-domain run's.
Every mass balance closes to 1e-8.
Usage: check_dual_domain.py TERRAFATE WORKDIR
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import transport_outputs as outputs  # noqa: E402

BATCH = """
title: dual-domain batch
grid: {size: [1, 1, 1], cells: [1, 1, 1]}
materials:
  - {name: m, region: all, hydraulic_conductivity: 1, porosity: 0.3, bulk_density: 1.5,
     immobile: {porosity: 0.2, exchange_rate: 0.01}}
flow:
  type: steady
  boundaries:
    - {face: xmin, type: head, head: 10}
    - {face: xmax, type: head, head: 10}
transport:
  advection: upwind
  species:
    - {name: A, sorption: {type: linear, kd: 0.2}}
    - {name: B, sorption: {type: linear, kd: 0.2}, decay: {rate: 0.002}}
  initial:
    - {species: A, region: all, concentration: 10, domain: mobile}
    - {species: B, region: all, concentration: 10, domain: mobile}
time: {end: 100, max_step: 0.05, output_times: [5, 10, 20, 40, 100]}
output: {hdf5: false, vtk: false}
"""

COLUMN = """
title: dual-domain column
grid: {{size: [60, 1, 1], cells: [{cells}, 1, 1]}}
materials:
  - {{name: m, region: all, hydraulic_conductivity: 10, porosity: 0.25, dispersivity: [0.5, 0.05, 0.05]{immobile}}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: 10.75}}
    - {{face: xmax, type: head, head: 10}}
transport:
  advection: tvd
  species:
    - {{name: A}}
  boundaries:
    - {{face: xmin, species: A, concentration: 0}}
  sources:
    - {{species: A, type: concentration, region: {{box: {{min: [0, 0, 0], max: [{first}, 1, 1]}}}}, concentration: 1, start: 0, end: 20}}
time: {{end: 250, max_step: {dt}, output_times: [{times}]}}
observations:
  points:
    - {{name: x30, position: [30, 0.5, 0.5]}}
output: {{hdf5: false, vtk: false}}
"""


def batch(terrafate, workdir, failures):
    deck = os.path.join(workdir, "batch.yaml")
    with open(deck, "w") as f:
        f.write(BATCH)
    out = os.path.join(workdir, "batch")
    outputs.run(terrafate, deck, out)
    rows = outputs.check_mass_balance(out, ["A", "B"], 1e-8)
    rm, rim, c0, rate = 0.48, 0.32, 10.0, 0.01
    ceq = rm * c0 / (rm + rim)
    for row in rows:
        t = row["time"]
        decay = 1.0 if row["species"] == "A" else math.exp(-0.002 * t)
        exact = decay * (ceq + (c0 - ceq) * math.exp(-rate * (1 / rm + 1 / rim) * t))
        exact_immobile = decay * (rm * c0 - rm * exact / decay) / rim
        mobile = row["dissolved"] / 0.3  # 1 m3 cell
        immobile = row["immobile"] / rim
        error = max(abs(mobile - exact), abs(immobile - exact_immobile))
        print(f"batch {row['species']} t = {t:>5g} d: C = {mobile:.6f} (exact {exact:.6f}), "
              f"Cim = {immobile:.6f} (exact {exact_immobile:.6f})")
        if error > 1e-3 * c0:
            failures.append(f"batch {row['species']} at {t} d off by {error:.3e}")


def column(terrafate, workdir, name, cells, dt, immobile):
    times = ", ".join(str(5 * n) for n in range(1, 51))
    deck = os.path.join(workdir, f"{name}.yaml")
    with open(deck, "w") as f:
        f.write(COLUMN.format(cells=cells, first=60 / cells, dt=dt, times=times,
                              immobile=", immobile: {porosity: 0.15, exchange_rate: 0.02}"
                              if immobile else ""))
    out = os.path.join(workdir, name)
    outputs.run(terrafate, deck, out)
    outputs.check_mass_balance(out, ["A"], 1e-8)
    values = outputs.concentrations(out, ["A"])
    return {t: v for (location, species, t), v in values.items()}


def main():
    terrafate, workdir = sys.argv[1:3]
    os.makedirs(workdir, exist_ok=True)
    failures = []
    batch(terrafate, workdir, failures)
    coarse = column(terrafate, workdir, "coarse", 120, 0.25, True)
    medium = column(terrafate, workdir, "medium", 240, 0.125, True)
    fine = column(terrafate, workdir, "fine", 960, 0.03125, True)
    single = column(terrafate, workdir, "single", 240, 0.125, False)
    peak = max(fine.values())
    coarse_error = max(abs(coarse[t] - fine[t]) for t in fine) / peak
    medium_error = max(abs(medium[t] - fine[t]) for t in fine) / peak
    tail_ratio = medium[250.0] / max(single[250.0], 1e-300)
    print(f"column: peak {peak:.4f}; max difference from the reference {coarse_error:.4f} "
          f"(dx 0.5 m) and {medium_error:.4f} (dx 0.25 m) of the peak; tail at 250 d "
          f"{medium[250.0]:.3e} vs single domain {single[250.0]:.3e}")
    if medium_error > 0.02:
        failures.append(f"the 0.25-m column differs by {medium_error:.3f} of the peak")
    if coarse_error < 1.5 * medium_error:
        failures.append("no convergence under refinement")
    if tail_ratio < 5.0:
        failures.append(f"no tailing: ratio {tail_ratio:.2f}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
