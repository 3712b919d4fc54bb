"""Volatilization from a uniformly contaminated soil through a boundary layer vs the closed form.

Usage: check_soil_volatilization.py TERRAFATE WORKDIR

No recharge (water content theta_r), no water diffusion, no decay: the species moves only by
soil-gas diffusion, D_E = H D_a theta_a^(10/3) / theta_s^2 / (theta + rho_b Kd + theta_a H) for
the total concentration T, and leaves through the still-air boundary layer of thickness d at the
surface: D_E dT/dz = h_E T at z = 0 with h_E = H (D_a / d) / (theta + rho_b Kd + theta_a H).
For a semi-infinite soil at T0 initially (Carslaw and Jaeger 1959, sec. 2.7; the volatilization
model of Jury, Spencer and Farmer 1983) the mass lost per unit area by time t is
  T0 [ (erfcx(h_E sqrt(t / D_E)) - 1) D_E / h_E + 2 sqrt(D_E t / pi) ],  erfcx(x) = exp(x^2) erfc(x).
A 10 m column (diffusion reaches about 5 m in 200 d) of 1 cm cells holds 40 mg/kg (T0 = 64 g/m3);
the cumulative volatilized mass (mass_balance.csv) must match within 2 % at every output time.
"""
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "transport"))
import transport_outputs as outputs  # noqa: E402

THETA, THETA_S, RHO_KD, HENRY = 0.078, 0.43, 0.8, 0.3
AIR_DIFFUSION = 0.7  # [m2/d]
BOUNDARY_LAYER = 2.0  # [m]: thick, so that the boundary layer, not the soil, limits early losses
T0 = 40 * 1.6
AREA = 100.0
TIMES = [5, 10, 20, 50, 100, 200]

DECK = """title: volatilization from soil
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
    - {{face: xmin, type: head, head: 5}}
    - {{face: xmax, type: head, head: 5}}
transport:
  species:
    - {{name: A, sorption: {{type: linear, koc: 100}}, henry: 0.3, air_diffusion: {air}}}
soil:
  ground_surface: 15
  boundary_layer: {layer}
  resolution: 0.01
  layers:
    - {{name: loam, top: 0, bottom: 10, texture: {{alpha: 3.6, n: 1.56, theta_r: 0.078,
       theta_s: 0.43, ks: 0.25}}, bulk_density: 1.6, foc: 0.005}}
  zones:
    - {{name: site, footprint: {{min: [0, 0], max: [10, 10]}}, depth: [0, 10],
       concentrations: {{A: 40}}}}
time:
  end: 200
  initial_step: 0.01
  step_multiplier: 1.2
  max_step: 1
  output_times: [{times}]
output: {{hdf5: false, vtk: false}}
"""


def erfcx(x):
    """exp(x^2) erfc(x) for x >= 0 (continued fraction beyond 5, where erfc underflows)."""
    if x < 5.0:
        return math.exp(x * x) * math.erfc(x)
    fraction = 0.0
    for k in range(60, 0, -1):
        fraction = (k / 2.0) / (x + fraction)
    return 1.0 / (math.sqrt(math.pi) * (x + fraction))


def lost_per_area(t):
    capacity = THETA + RHO_KD + (THETA_S - THETA) * HENRY
    gas = AIR_DIFFUSION * (THETA_S - THETA) ** (10.0 / 3.0) / THETA_S ** 2
    d_e = HENRY * gas / capacity
    h_e = HENRY * AIR_DIFFUSION / BOUNDARY_LAYER / capacity
    return T0 * ((erfcx(h_e * math.sqrt(t / d_e)) - 1.0) * d_e / h_e +
                 2.0 * math.sqrt(d_e * t / math.pi))


def main():
    terrafate, workdir = sys.argv[1:3]
    out = outputs.run_text(terrafate, workdir, "volatilization", DECK.format(
        air=AIR_DIFFUSION, layer=BOUNDARY_LAYER, times=", ".join(str(t) for t in TIMES)))
    rows = outputs.check_mass_balance(out, ["A"], 1.0e-10)
    volatilized = {row["time"]: row["volatilized"] for row in rows}
    failures = []
    for t in TIMES:
        exact = lost_per_area(t) * AREA
        error = abs(volatilized[t] / exact - 1.0)
        print(f"t = {t:4g} d: volatilized {volatilized[t]:.4f} g, closed form {exact:.4f} g "
              f"(relative error {error:.2e})")
        if error > 0.02:
            failures.append(f"volatilized at {t} d off by {error:.2e}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
