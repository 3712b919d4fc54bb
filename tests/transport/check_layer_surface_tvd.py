#!/usr/bin/python3
"""TVD advection down columns of unequal layer thicknesses (grid.top / grid.bottoms, issue 24).

Two columns of 1 m x 1 m, 20 m deep, 40 layers: in column 0 the layers alternate 0.25 m and
0.75 m thick from the top, in column 1 0.75 m and 0.25 m, so the column-mean layers are all
0.5 m and differ from either column's own. Recharge q = 0.1 m/d enters the top carrying C0 =
1 mg/L (transport boundary on zmax: a third-type inlet) and leaves through a fixed head on the
bottom face; the horizontal conductivity is 1e-9 of the vertical and the transverse
dispersivities are 0, so each column is a 1-D vertical column with the same flux per unit area:
pore velocity v = q / n = 0.4 m/d in every cell, whatever its thickness. Longitudinal
dispersivity 0.2 m, no diffusion: D = 0.08 m2/d (cell Peclet numbers 1.25 and 3.75: the TVD
correction matters, and with it the upstream cell's thickness and centre distances).

Reference: van Genuchten & Alves (1982), third-type inlet without decay
(analytic.third_type_no_decay), at each cell's own centre depth below the top; its integral over
depth is v t (checked below, a mass balance independent of terrafate). Asserted, at 1 and 2
ranks, at t = 20 and 30 d, cells down to 16 m depth: max |C - C_exact| < 0.035 in both
columns; the dissolved mass equals the inflow (relative closure < 1e-8) and the hand sum
n x plan area x each cell's own thickness x C; 1 and 2 ranks agree to 1e-8.
Measured: max errors 0.016 and 0.026 (columns 0, 1) at 20 d, 0.014 and 0.020 at 30 d; the
limiter's geometry from the column-mean layers (the rule before this test) gave 0.052 and 0.059,
0.049 and 0.052, and fails the check.
Usage: check_layer_surface_tvd.py TERRAFATE WORKDIR MPIEXEC
"""
import os
import sys

import h5py
import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import transport_outputs  # noqa: E402
from analytic import third_type_no_decay  # noqa: E402

NZ, TOP = 40, 20.0
Q, POROSITY, ALPHA = 0.1, 0.25, 0.2
V, D = Q / POROSITY, ALPHA * Q / POROSITY
TIMES = [20.0, 30.0]
DEPTH_MAX = 16.0
TOLERANCE = 0.035

# [m] layer thicknesses from the top, per column (x index): 0.25, 0.75, ... and 0.75, 0.25, ...
THICKNESS = np.array([[0.25 if m % 2 == 0 else 0.75 for m in range(NZ)],
                      [0.75 if m % 2 == 0 else 0.25 for m in range(NZ)]])

DECK = f"""title: TVD down layers of unequal thickness
grid:
  size: [2, 1]
  cells: [2, 1]
  top: {TOP}
  bottoms: [{", ".join(f"{{hdf5: layers.h5, dataset: /bottom_{m}}}" for m in range(NZ - 1))}, 0]
materials:
  - {{name: sand, region: all, hydraulic_conductivity: [1.0e-9, 1.0e-9, 1.0], porosity: {POROSITY},
     dispersivity: [{ALPHA}, 0, 0]}}
flow:
  type: steady
  boundaries:
    - {{face: zmax, type: flux, flux: {Q}}}
    - {{face: zmin, type: head, head: 0}}
transport:
  advection: tvd
  species:
    - {{name: tracer, diffusion: 0}}
  boundaries:
    - {{face: zmax, species: tracer, concentration: 1}}
time:
  end: 30
  max_step: 0.05
  output_times: [20, 30]
output: {{hdf5: true, vtk: false}}
"""


def main():
    terrafate, workdir, mpiexec = sys.argv[1:4]
    os.makedirs(workdir, exist_ok=True)
    bottoms = TOP - np.cumsum(THICKNESS, axis=1)  # [column, m]
    with h5py.File(os.path.join(workdir, "layers.h5"), "w") as f:
        for m in range(NZ - 1):
            f[f"/bottom_{m}"] = bottoms[:, m].reshape(1, 2)  # [ny, nx]
    deck = os.path.join(workdir, "tvd_layers.yaml")
    with open(deck, "w") as f:
        f.write(DECK)
    # The reference conserves mass: its integral over depth is v t.
    x = np.linspace(0.0, 40.0, 40001)
    for t in TIMES:
        integral = np.trapz([third_type_no_decay(xi, t, V, D, 1.0) for xi in x], x)
        if abs(integral - V * t) > 1e-9 * V * t:
            sys.exit(f"FAIL: the reference's integral {integral} != v t = {V * t}")
    failures, fields = [], {}
    for ranks in (1, 2):
        out = os.path.join(workdir, f"np{ranks}")
        transport_outputs.run(terrafate, deck, out, ranks=ranks, mpiexec=mpiexec)
        transport_outputs.check_mass_balance(out, ("tracer",), 1e-8)
        with h5py.File(os.path.join(out, "results.h5")) as f:
            thickness = f["/static/cell_top"][...] - f["/static/cell_bottom"][...]
            centre = 0.5 * (f["/static/cell_top"][...] + f["/static/cell_bottom"][...])
            groups = sorted(f["/outputs"].keys())
            times = [float(f[f"/outputs/{g}"].attrs["time"]) for g in groups]
            fields[ranks] = [f[f"/outputs/{g}/tracer"][...] for g in groups]
        if times[-len(TIMES):] != TIMES:
            sys.exit(f"FAIL: np{ranks}: output times {times}, expected {TIMES}")
        if not np.allclose(thickness[::-1, 0, :].T, THICKNESS, rtol=0, atol=1e-12):
            sys.exit(f"FAIL: np{ranks}: cell thicknesses differ from the layers written")
        rows = transport_outputs.read_csv(os.path.join(out, "mass_balance.csv"),
                                          transport_outputs.MASS_BALANCE_HEADER)
        by_time = {float(r[0]): float(r[2]) for r in rows if r[1] == "tracer"}
        depth = TOP - centre[:, 0, :]  # [k, column]
        for t, c in zip(TIMES, fields[ranks][-len(TIMES):]):
            by_hand = np.sum(POROSITY * thickness * c)
            if abs(by_hand - by_time[t]) > 1e-9 * by_hand:
                failures.append(f"np{ranks} t = {t:g}: dissolved {by_time[t]} g, by hand {by_hand}")
            for column in (0, 1):
                checked = depth[:, column] <= DEPTH_MAX
                exact = np.array([third_type_no_decay(d, t, V, D, 1.0)
                                  for d in depth[checked, column]])
                error = np.abs(c[:, 0, column][checked] - exact)
                worst = int(np.argmax(error))
                print(f"np{ranks} t = {t:4g} d column {column}: max |C - C_exact| = "
                      f"{error[worst]:.4f} at depth {depth[checked, column][worst]:.3f} m; "
                      f"dissolved {by_time[t]:.6f} g (v t n = {V * t * POROSITY * 2:.6f} g)")
                if not error[worst] < TOLERANCE:
                    failures.append(f"np{ranks} t = {t:g} column {column}: error {error[worst]}")
    difference = max(np.abs(a - b).max() for a, b in zip(fields[1], fields[2]))
    print(f"1 vs 2 ranks: max concentration difference {difference:.2e}")
    if not difference < 1e-8:
        failures.append(f"1 and 2 ranks differ by {difference}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
