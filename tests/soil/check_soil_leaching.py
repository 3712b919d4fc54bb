"""Leaching of a soil slug to the water table vs the closed-form 1-D solution.

Usage: check_soil_leaching.py TERRAFATE WORKDIR

A 5 m unsaturated loam column (van Genuchten alpha 3.6 1/m, n 1.56, theta_r 0.078, theta_s 0.43,
Ks 0.25 m/d) under 1 mm/d of recharge holds 50 mg/kg of a species between 0.5 and 1.0 m depth;
Kd = Koc foc = 100 x 0.005 L/kg, rho_b 1.6 kg/L, dispersivity 0.05 m, no decay, no diffusion.
1. No gas phase: the cumulative mass leached (mass_balance.csv `leached`) must follow the
   infinite-column solution with R = 1 + rho_b Kd / theta within 2 % of the slug's mass at every
   output time, and reach half the mass at (L - 0.75) / V within 2 %.
2. With Henry's constant 0.5 (and no gas diffusion): the same with the retardation of the gas
   phase, R = 1 + rho_b Kd / theta + theta_a H / theta (theta_a = theta_s - theta).
theta is the unit-gradient water content K(theta) = q, found here by an independent bisection.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "transport"))
import transport_outputs as outputs  # noqa: E402
import soil_analytic as analytic  # noqa: E402

TEXTURE = dict(alpha=3.6, n=1.56, theta_r=0.078, theta_s=0.43, ks=0.25)
Q = 0.001          # [m/d]
RHO_KD = 1.6 * 100 * 0.005
DISPERSIVITY = 0.05
DEPTH = 5.0
TOP, BOTTOM = 0.5, 1.0
MASS = 50 * 1.6 * (BOTTOM - TOP) * 100.0  # mg/kg x kg/L = g/m3, x m x 100 m2 column = g
TIMES = list(range(0, 16001, 250))

DECK = """title: soil slug leaching
grid:
  origin: [0, 0, 0]
  size: [20, 10, 5]
  cells: [2, 1, 1]
materials:
  - {{name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.3, bulk_density: 1.6,
     foc: 0.001, dispersivity: [1, 0.1, 0.1]}}
flow:
  type: steady
  boundaries:
    - {{face: xmax, type: head, head: 5}}
    - {{face: zmax, type: flux, flux: 1 mm/d}}
transport:
  species:
    - {{name: A, sorption: {{type: linear, koc: 100}}, henry: {henry}}}
soil:
  ground_surface: 10
  layers:
    - {{name: loam, top: 0, bottom: 5, texture: {{alpha: 3.6, n: 1.56, theta_r: 0.078,
       theta_s: 0.43, ks: 0.25}}, bulk_density: 1.6, foc: 0.005, dispersivity: 0.05}}
  zones:
    - {{name: hotspot, footprint: {{min: [0, 0], max: [10, 10]}}, depth: [0.5, 1.0],
       concentrations: {{A: 50}}}}
  resolution: 0.05
time:
  end: {end}
  max_step: 10
  output_times: [{times}]
output: {{hdf5: false, vtk: false}}
"""


def check(terrafate, workdir, henry):
    name = f"slug_henry{henry}"
    end = TIMES[-1]
    out = outputs.run_text(terrafate, workdir, name, DECK.format(
        henry=henry, end=end, times=", ".join(str(t) for t in TIMES)))
    rows = outputs.check_mass_balance(out, ["A"], 1.0e-10)
    leached = {row["time"]: row["leached"] for row in rows}
    theta = analytic.unit_gradient_theta(Q, **TEXTURE)
    retardation = 1.0 + RHO_KD / theta + (TEXTURE["theta_s"] - theta) * henry / theta
    velocity = Q / (theta * retardation)
    dispersion = DISPERSIVITY * Q / (theta * retardation)
    worst = 0.0
    failures = []
    for t in TIMES:
        exact = analytic.slug_passed(t, TOP, BOTTOM, DEPTH, velocity, dispersion, MASS)
        error = abs(leached[t] - exact) / MASS
        worst = max(worst, error)
    # Time at which half the slug has passed the water table: interpolated from the outputs.
    half = next(i for i, t in enumerate(TIMES) if leached[t] >= 0.5 * MASS)
    t0, t1 = TIMES[half - 1], TIMES[half]
    m0, m1 = leached[t0], leached[t1]
    t_half = t0 + (0.5 * MASS - m0) / (m1 - m0) * (t1 - t0)
    exact_half = (DEPTH - 0.5 * (TOP + BOTTOM)) / velocity
    print(f"H = {henry}: theta = {theta:.6f}, R = {retardation:.4f}; cumulative leached within "
          f"{worst:.2e} of the slug mass; half leached at {t_half:.1f} d (exact {exact_half:.1f} d)")
    if worst > 0.02:
        failures.append(f"H = {henry}: cumulative leached off by {worst:.3e} of the mass")
    if abs(t_half - exact_half) > 0.02 * exact_half:
        failures.append(f"H = {henry}: half-mass arrival {t_half:.1f} d vs {exact_half:.1f} d")
    if abs(leached[TIMES[-1]] - MASS) > 1e-3 * MASS:
        failures.append(f"H = {henry}: {leached[TIMES[-1]]} g leached in all, slug {MASS} g")
    return failures


def main():
    terrafate, workdir = sys.argv[1:3]
    failures = check(terrafate, workdir, 0.0) + check(terrafate, workdir, 0.5)
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
