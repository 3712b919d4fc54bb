#!/usr/bin/python3
"""Decay rates that differ by material zone (transport.zone_rates).

Batch (no flow): two materials side by side, each cell starting at 10 mg/L. PCE decays at
0.01 1/d by default and at 0.05 1/d in the "treated" zone (zone_rates); TCE has no decay except
0.002 1/d in the treated zone, and is produced from PCE with yield 0.8. Backward Euler with
step dt gives exactly C_n = C0 / (1 + k dt)^n per cell for PCE; the daughter follows
  T_n = (T_{n-1} + y k_P dt P_n) / (1 + k_T dt).
Checked at 100 d to 1e-9 relative in each zone (cell-centre observations), plus the closed
forms exp(-k t) within 1 % (dt = 0.05 d).
Usage: check_zone_rates.py TERRAFATE WORKDIR
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import transport_outputs as outputs  # noqa: E402

DECK = """
title: zone rates
grid: {size: [2, 1, 1], cells: [2, 1, 1]}
materials:
  - {name: plain, region: all, hydraulic_conductivity: 1, porosity: 0.3}
  - {name: treated, region: {box: {min: [1, 0, 0], max: [2, 1, 1]}}, hydraulic_conductivity: 1, porosity: 0.3}
flow:
  type: steady
  boundaries:
    - {face: xmin, type: head, head: 10}
    - {face: xmax, type: head, head: 10}
transport:
  advection: upwind
  species:
    - {name: PCE, decay: {rate: 0.01}}
    - {name: TCE}
  reactions:
    - {type: decay, from: PCE, to: TCE, yield: 0.8}
  zone_rates:
    - {material: treated, species: PCE, decay: {rate: 0.05}}
    - {material: treated, species: TCE, decay: {half_life: 346.57359}}
  initial:
    - {species: PCE, region: all, concentration: 10}
time: {end: 100, max_step: 0.05, output_times: [100]}
observations:
  points:
    - {name: plain, position: [0.5, 0.5, 0.5]}
    - {name: treated, position: [1.5, 0.5, 0.5]}
output: {hdf5: false, vtk: false}
"""


def discrete(k_parent, k_daughter, dt=0.05, steps=2000, c0=10.0, yield_=0.8):
    parent, daughter = c0, 0.0
    for _ in range(steps):
        parent /= 1.0 + k_parent * dt
        daughter = (daughter + yield_ * k_parent * dt * parent) / (1.0 + k_daughter * dt)
    return parent, daughter


def main():
    terrafate, workdir = sys.argv[1:3]
    os.makedirs(workdir, exist_ok=True)
    deck = os.path.join(workdir, "zone_rates.yaml")
    with open(deck, "w") as f:
        f.write(DECK)
    out = os.path.join(workdir, "zones")
    outputs.run(terrafate, deck, out)
    outputs.check_mass_balance(out, ["PCE", "TCE"], 1e-8)
    values = outputs.concentrations(out, ["PCE", "TCE"])
    k_treated_tce = math.log(2) / 346.57359
    failures = []
    for zone, k_parent, k_daughter in (("plain", 0.01, 0.0), ("treated", 0.05, k_treated_tce)):
        parent, daughter = discrete(k_parent, k_daughter)
        got_parent, got_daughter = values[(zone, "PCE", 100.0)], values[(zone, "TCE", 100.0)]
        exact_parent = 10.0 * math.exp(-k_parent * 100.0)
        print(f"{zone}: PCE {got_parent:.9f} (backward Euler {parent:.9f}, exact "
              f"{exact_parent:.6f}); TCE {got_daughter:.9f} (backward Euler {daughter:.9f})")
        for got, want in ((got_parent, parent), (got_daughter, daughter)):
            if abs(got - want) > 1e-9 * max(abs(want), 1e-12):
                failures.append(f"{zone}: {got} vs {want}")
        if abs(got_parent - exact_parent) > 0.01 * exact_parent:
            failures.append(f"{zone}: PCE {got_parent} vs exp {exact_parent}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
