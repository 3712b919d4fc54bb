#!/usr/bin/python3
"""Freundlich and Langmuir sorption and zero-order decay against hand calculations.

Batch sorption: a closed 1-D column (4 cells of 0.25 m, 1 m2 cross-section, no flow, theta 0.3,
rho_b 1.6 kg/L), its first half at C0 = 10 mg/L (sorbed phase in equilibrium) and its second half
clean, diffuses to a uniform equilibrium C* that keeps the total mass:
  (theta C* + rho_b S(C*)) V = (theta C0 + rho_b S(C0)) V / 2
solved here by bisection to round-off, for S = Kf C^n (Kf 2, n = 0.7 and n = 1.4) and
S = Smax KL C / (1 + KL C) (Smax 50 mg/kg, KL 0.2 L/mg). At 4000 d every cell must hold C* to
1e-10 (relative), the sorbed mass rho_b S(C*) V and the dissolved mass theta C* V must agree with
mass_balance.csv to 1e-10, and the mass balance must close to 1e-10 (40 steps of 100 d: each
step may leave about 1e-12 of the mass in the linear-solver residual).

Zero-order decay: the same column, uniform C0 = 5 mg/L, k0 = 0.01 mg/L/d in the dissolved phase,
linear sorption with R = 1 + rho_b Kd / theta = 2 (Kd 0.1875 L/kg): dC/dt = -k0 / R, so
C = C0 - k0 t / R until t = 1000 d and 0 after (backward Euler is exact for a constant rate).
Checked at 200, 600, 990 and 1500 d (1e-9 mg/L after depletion, never below -1e-12); the decayed
mass is theta k0 t V while C > 0.
Usage: check_nonlinear_reactions.py TERRAFATE WORKDIR
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import transport_outputs as outputs  # noqa: E402

COLUMN = """
title: {title}
grid: {{size: [1, 1, 1], cells: [4, 1, 1]}}
materials:
  - {{name: soil, region: all, hydraulic_conductivity: 1, porosity: 0.3, bulk_density: 1.6,
     dispersivity: [0, 0, 0]}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: 10}}
    - {{face: xmax, type: head, head: 10}}
transport:
  advection: upwind
  species:
    - {{name: X, diffusion: {diffusion}, {species}}}
  initial:
    - {{species: X, region: {{box: {{min: [0, 0, 0], max: [{initial_end}, 1, 1]}}}}, concentration: {c0}}}
time: {{end: {end}, max_step: {step}, output_times: [{times}]}}
output: {{hdf5: false, vtk: false}}
observations:
  points:
{points}
"""
THETA, RHO, VOLUME = 0.3, 1.6, 0.25
CELLS = [0.125, 0.375, 0.625, 0.875]
POINTS = "\n".join(f"    - {{name: c{n}, position: [{x}, 0.5, 0.5]}}" for n, x in enumerate(CELLS))

ISOTHERMS = {
    "freundlich_n0.7": ("sorption: {type: freundlich, kf: 2, n: 0.7}", lambda c: 2.0 * c ** 0.7),
    "freundlich_n1.4": ("sorption: {type: freundlich, kf: 2, n: 1.4}", lambda c: 2.0 * c ** 1.4),
    "langmuir": ("sorption: {type: langmuir, smax: 50, kl: 0.2}",
                 lambda c: 50.0 * 0.2 * c / (1.0 + 0.2 * c)),
}


def equilibrium(isotherm, c0):
    """C* with (theta C* + rho S(C*)) = (theta c0 + rho S(c0)) / 2, by bisection."""
    target = 0.5 * (THETA * c0 + RHO * isotherm(c0))
    low, high = 0.0, c0
    for _ in range(200):
        middle = 0.5 * (low + high)
        if THETA * middle + RHO * isotherm(middle) < target:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)


def run_column(terrafate, workdir, name, **values):
    return outputs.run_text(terrafate, workdir, name,
                            COLUMN.format(title=name, points=POINTS, **values))


def main():
    terrafate, workdir = sys.argv[1:3]
    os.makedirs(workdir, exist_ok=True)
    failures = []
    c0 = 10.0
    for name, (species, isotherm) in ISOTHERMS.items():
        out = run_column(terrafate, workdir, name, diffusion=1.0, species=species,
                         initial_end=0.5, c0=c0, end=4000, step=100, times="4000")
        expected = equilibrium(isotherm, c0)
        values = outputs.concentrations(out, ["X"])
        worst = max(abs(values[(f"c{n}", "X", 4000.0)] - expected) / expected for n in range(4))
        balance = outputs.check_mass_balance(out, ["X"], 1e-10)[-1]
        dissolved = THETA * expected * 4 * VOLUME
        sorbed = RHO * isotherm(expected) * 4 * VOLUME
        mass_error = max(abs(balance["dissolved"] - dissolved) / dissolved,
                         abs(balance["sorbed"] - sorbed) / sorbed)
        initial = 2 * VOLUME * (THETA * c0 + RHO * isotherm(c0))
        conservation = abs(balance["dissolved"] + balance["sorbed"] - initial) / initial
        print(f"{name}: C* = {expected:.12f} mg/L, worst cell rel. error {worst:.2e}, "
              f"phase masses rel. error {mass_error:.2e}, total mass change {conservation:.2e}")
        if not worst < 1e-10:
            failures.append(f"{name}: concentration off by {worst:.2e}")
        if not mass_error < 1e-10:
            failures.append(f"{name}: phase masses off by {mass_error:.2e}")
        if not conservation < 1e-10:
            failures.append(f"{name}: total mass changed by {conservation:.2e}")

    # Zero-order decay with linear sorption (R = 2).
    out = run_column(terrafate, workdir, "zero_order", diffusion=0.0,
                     species="sorption: {type: linear, kd: 0.1875}, "
                             "decay: {zero_order_rate: 0.01}",
                     initial_end=1, c0=5.0, end=1500, step=10, times="200, 600, 990, 1500")
    values = outputs.concentrations(out, ["X"])
    balance = {row["time"]: row for row in outputs.check_mass_balance(out, ["X"], 1e-10)}
    for t in (200.0, 600.0, 990.0, 1500.0):
        expected = max(5.0 - 0.01 * t / 2.0, 0.0)
        for n in range(4):
            value = values[(f"c{n}", "X", t)]
            if value < -1e-12 or abs(value - expected) > max(1e-10 * expected, 1e-9):
                failures.append(f"zero order t {t} c{n}: {value} vs {expected}")
        decayed = THETA * 0.01 * min(t, 1000.0) * 4 * VOLUME
        error = abs(balance[t]["decayed"] - decayed) / decayed
        print(f"zero order: t = {t:g} d  C = {values[('c0', 'X', t)]:.12g} mg/L (expected "
              f"{expected:g}), decayed {balance[t]['decayed']:.10g} g (expected {decayed:.10g})")
        if not error < 1e-8:
            failures.append(f"zero order t {t}: decayed mass off by {error:.2e}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
