#!/usr/bin/python3
"""Chemical oxidation: batch second-order kinetics against the closed form, exact stoichiometry.

A closed column (5 cells of 1 m3, no flow, no dispersion), porosity 0.3, TCE at C0 = 10 mg/L
with linear sorption (Kd 0.2 L/kg, bulk density 1.5 kg/L: retardation R = 2). At t = 0 the
action injects 0.045 kg of oxidant (O0 = 0.045e3 g / 1.5 m3 of pore water = 30 mg/L) into the
whole column; rate constant k = 0.01 L/mg/d, demand s = 2.41 g oxidant per g TCE (permanganate,
../shared/data/technologies.csv), no natural demand. The reaction acts on the dissolved phase
with sorption at equilibrium:
  R dC/dt = -k C O,  dO/dt = -s k C O  =>  O = O0 - s R (C0 - C),
  C(t) = D C0 / ((D + b C0) exp(a D t) - b C0),  a = k / R, b = s R, D = O0 - b C0
(here D < 0: the oxidant runs out and C levels off at -D / b = 3.776 mg/L).
Asserted at 1, 3, 10 and 40 d: C within 1e-6 of the closed form (relative); the oxidant
consumed equals s times the TCE destroyed (mass_balance.csv decayed, 1e-8 relative, and from the
concentrations: (O0 - O) = s R (C0 - C) to 1e-8 of O0); the ledger lists the oxidant mass
(0.045 kg) and destroyed:TCE equal to the decayed TCE; the mass balance closes to 1e-8.
A second column without TCE and with a natural oxidant demand of 0.05 1/d must give
O = O0 exp(-0.05 t) within 1e-6.
Rebound: the first column with a dual domain (immobile porosity 0.3, exchange 0.02 1/d, TCE
10 mg/L in both domains) and a fast oxidation (k = 1 L/mg/d): the oxidant, which reacts in the
mobile domain only, is spent within days; the mobile TCE then rises again from the immobile
domain (C at 40 d above C at 3 d), and the mass balance closes to 1e-8.
Usage: check_isco.py TERRAFATE WORKDIR
"""
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "transport"))
import transport_outputs as outputs  # noqa: E402
from ledger import compare, read_ledger  # noqa: E402

DECK = """
title: ISCO batch
grid: {{size: [5, 1, 1], cells: [5, 1, 1]}}
materials:
  - {{name: sand, region: all, hydraulic_conductivity: 1, porosity: 0.3, bulk_density: 1.5,
     dispersivity: [0, 0, 0]{immobile}}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: 10}}
    - {{face: xmax, type: head, head: 10}}
transport:
  advection: upwind
  species:
    - {{name: TCE, sorption: {{type: linear, kd: 0.2}}}}
    - {{name: MnO4}}
  initial:
    - {{species: TCE, region: all, concentration: {c0}}}
remediation:
  - name: isco
    type: chemical_oxidation
    region: all
    start: 0
    oxidant: MnO4
    injections: [{{time: 0, mass: 0.045}}]
    rate_constants: {{TCE: {k}}}
    demand: {{TCE: 2.41}}
    natural_demand: {natural}
    injection_points: 4
time: {{end: 40, max_step: 1, output_times: [1, 3, 10, 40]}}
observations:
  points:
    - {{name: P, position: [2.5, 0.5, 0.5]}}
output: {{hdf5: false, vtk: false}}
"""
C0, O0, K, S, R = 10.0, 30.0, 0.01, 2.41, 2.0


def closed_form(t):
    a, b = K / R, S * R
    d = O0 - b * C0
    return d * C0 / ((d + b * C0) * math.exp(a * d * t) - b * C0)


def run(terrafate, workdir, name, c0, natural, k=K, immobile=""):
    return outputs.run_text(terrafate, workdir, name,
                            DECK.format(c0=c0, natural=natural, k=k, immobile=immobile))


def main():
    terrafate, workdir = sys.argv[1:3]
    os.makedirs(workdir, exist_ok=True)
    failures = []
    out = run(terrafate, workdir, "oxidation", C0, 0)
    values = outputs.concentrations(out, ["TCE", "MnO4"])
    balance = {(row["time"], row["species"]): row
               for row in outputs.check_mass_balance(out, ["TCE", "MnO4"], 1e-8)}
    for t in (1.0, 3.0, 10.0, 40.0):
        c, o = values[("P", "TCE", t)], values[("P", "MnO4", t)]
        exact = closed_form(t)
        error = abs(c - exact) / exact
        stoichiometry = abs((O0 - o) - S * R * (C0 - c)) / O0
        consumed, destroyed = balance[(t, "MnO4")]["decayed"], balance[(t, "TCE")]["decayed"]
        mass_ratio = abs(consumed - S * destroyed) / consumed
        print(f"t = {t:g} d: C {c:.9f} (closed form {exact:.9f}, rel. diff {error:.1e}); O {o:.6f}; "
              f"stoichiometry {stoichiometry:.1e}; consumed/destroyed mass {mass_ratio:.1e}")
        if not error < 1e-6:
            failures.append(f"C at {t} d off by {error:.1e}")
        if not (stoichiometry < 1e-8 and mass_ratio < 1e-8):
            failures.append(f"stoichiometry at {t} d: {stoichiometry:.1e}, {mass_ratio:.1e}")
    ledger = read_ledger(out)
    destroyed = balance[(40.0, "TCE")]["decayed"]
    compare(ledger, {("isco", "material:MnO4"): 0.045, ("isco", "destroyed:TCE"): destroyed,
                          ("isco", "injection_points"): 4}, failures)

    out = run(terrafate, workdir, "natural_demand", 0, 0.05)
    values = outputs.concentrations(out, ["MnO4"])
    outputs.check_mass_balance(out, ["TCE", "MnO4"], 1e-8)
    for t in (1.0, 10.0, 40.0):
        o, exact = values[("P", "MnO4", t)], O0 * math.exp(-0.05 * t)
        error = abs(o - exact) / exact
        print(f"natural demand, t = {t:g} d: O {o:.9f} (closed form {exact:.9f}, rel. diff {error:.1e})")
        if not error < 1e-6:
            failures.append(f"O at {t} d off by {error:.1e}")
    out = run(terrafate, workdir, "rebound", C0, 0, k=1.0,
              immobile=", immobile: {porosity: 0.3, exchange_rate: 0.02}")
    values = outputs.concentrations(out, ["TCE"])
    outputs.check_mass_balance(out, ["TCE", "MnO4"], 1e-8)
    early, late = values[("P", "TCE", 3.0)], values[("P", "TCE", 40.0)]
    print(f"rebound: mobile TCE {early:.4f} mg/L at 3 d, {late:.4f} mg/L at 40 d")
    if not late > early:
        failures.append("no rebound from the immobile domain")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
