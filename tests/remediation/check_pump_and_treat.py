#!/usr/bin/python3
"""Pump-and-treat: the flow re-solved when it starts and stops, the capture zone against the
closed form, and the pumping energy against a hand calculation from the run's heads.

One layer (b = 10 m) of 600 x 300 cells of 2 m, K 10 m/d, fixed heads on xmin/xmax giving a
uniform Darcy flux q0 = 0.05 m/d along x. An extraction well at the centre of the cell at
(1, 1) pumps Q = 2 pi b q0 x_s with x_s = 20 m (62.83 m3/d) over 100-200 d of a 300-d run.
* Switching: the head in the well at 150 d is below that at 50 d, and at 250 d back to it (to
  1e-9 m); budget.csv closes (|in - out| / in < 1e-10) at every output.
* Capture zone at 150 d (steady flow with the well): the stagnation point downstream of the well,
  where q_x changes sign on the well's row, lies at x_s = Q / (2 pi b q0) (within 5 %); and the
  capture zone's half-width 8 x_s upstream of the well, found by tracking particles back from
  there (RK4 on the bilinearly interpolated cell-centre flux of results.h5, bisection on the
  starting offset), matches the dividing streamline of uniform flow plus a sink,
  y = x_s atan2(y, x) (2.80 x_s there; Q / (2 b q0) = pi x_s far upstream), within 5 %.
* Ledger: water_pumped = Q x 100 d, and electricity:pumping = rho g V (z_surface - h_well +
  system_head) / efficiency with the head in the well reported at 150 d (rho 1000 kg/m3,
  g 9.80665 m/s2, z_surface the grid top 10 m, system head 5 m, efficiency 0.7), to 1e-10.
Usage: check_pump_and_treat.py TERRAFATE WORKDIR
"""
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "transport"))
import transport_outputs as outputs  # noqa: E402
from ledger import compare, read_ledger  # noqa: E402

B, K, Q0, XS = 10.0, 10.0, 0.05, 20.0
RATE = 2 * math.pi * B * Q0 * XS
WELL = (1.0, 1.0)
DECK = f"""
title: pump and treat capture zone
grid: {{origin: [-600, -300, 0], size: [1200, 600, 10], cells: [600, 300, 1]}}
materials:
  - {{name: sand, region: all, hydraulic_conductivity: {K}, porosity: 0.3, dispersivity: [1, 0.1, 0.1]}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: 16}}
    - {{face: xmax, type: head, head: 10}}
transport:
  species:
    - {{name: X}}
remediation:
  - name: pt
    type: pump_and_treat
    start: 100
    end: 200
    wells: [{{name: EW1, position: [{WELL[0]}, {WELL[1]}], screen: [0, 10], rate: {-RATE!r}}}]
    treatment_efficiency: {{X: 0.9}}
    system_head: 5
    pump_efficiency: 0.7
    treatment_energy: 0.4
time: {{end: 300, max_step: 50, output_times: [50, 150, 250]}}
observations:
  points:
    - {{name: well, position: [{WELL[0]}, {WELL[1]}, 5]}}
output: {{hdf5: true, vtk: false}}
"""


def dividing_streamline(x):
    """Half-width y > 0 of the capture zone at x < 0 (well at the origin): y = XS atan2(y, x)."""
    y = math.pi * XS
    for _ in range(200):
        y = XS * math.atan2(y, x)
    return y


def track(flux, x0, y0, x_nodes, y_nodes):
    """Whether a particle from (x0, y0) ends in the well's cell, following the flux forward."""
    xc = 0.5 * (x_nodes[1:] + x_nodes[:-1])
    yc = 0.5 * (y_nodes[1:] + y_nodes[:-1])
    dx = xc[1] - xc[0]

    def velocity(x, y):
        i = min(max(int((x - xc[0]) / dx), 0), len(xc) - 2)
        j = min(max(int((y - yc[0]) / dx), 0), len(yc) - 2)
        fx, fy = (x - xc[i]) / dx, (y - yc[j]) / dx
        q = ((1 - fx) * (1 - fy) * flux[j, i] + fx * (1 - fy) * flux[j, i + 1] +
             (1 - fx) * fy * flux[j + 1, i] + fx * fy * flux[j + 1, i + 1])
        norm = math.hypot(q[0], q[1])
        return q[0] / norm, q[1] / norm

    x, y, h = x0, y0, 0.25 * dx
    for _ in range(20000):
        if math.hypot(x - WELL[0], y - WELL[1]) < 1.5 * dx:
            return True
        if x > WELL[0] + 3 * XS or abs(y - WELL[1]) > 8 * XS:
            return False
        k1 = velocity(x, y)
        k2 = velocity(x + 0.5 * h * k1[0], y + 0.5 * h * k1[1])
        k3 = velocity(x + 0.5 * h * k2[0], y + 0.5 * h * k2[1])
        k4 = velocity(x + h * k3[0], y + h * k3[1])
        x += h * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]) / 6
        y += h * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]) / 6
    return False


def main():
    terrafate, workdir = sys.argv[1:3]
    os.makedirs(workdir, exist_ok=True)
    out = outputs.run_text(terrafate, workdir, "pt", DECK)
    failures = []
    heads = {float(t): float(v) for t, location, variable, v, _ in outputs.read_csv(
        os.path.join(out, "observations.csv"), outputs.OBSERVATIONS_HEADER)
        if location == "well" and variable == "head"}
    print(f"head in the well: {heads}")
    if not heads[150.0] < heads[50.0] - 0.1:
        failures.append("no drawdown while pumping")
    if not abs(heads[250.0] - heads[50.0]) < 1e-9:
        failures.append("the head did not recover after the pumping")
    budget = {}
    for t, component, inflow, outflow, _ in outputs.read_csv(
            os.path.join(out, "budget.csv"), ["time", "component", "inflow", "outflow", "unit"]):
        total = budget.setdefault(float(t), [0.0, 0.0])
        total[0] += float(inflow)
        total[1] += float(outflow)
    for t, (inflow, outflow) in budget.items():
        if not abs(inflow - outflow) < 1e-10 * inflow:
            failures.append(f"water budget at {t} d: in {inflow} out {outflow}")

    import h5py
    with h5py.File(os.path.join(out, "results.h5"), "r") as f:
        x_nodes, y_nodes = f["grid/x_nodes"][()], f["grid/y_nodes"][()]
        group = next(f["outputs"][name] for name in sorted(f["outputs"])
                     if float(f["outputs"][name].attrs["time"]) == 150.0)
        flux = group["darcy_flux"][()][0]  # [ny, nx, 3]
    xc = 0.5 * (x_nodes[1:] + x_nodes[:-1])
    yc = 0.5 * (y_nodes[1:] + y_nodes[:-1])
    row = int(np.argmin(np.abs(yc - WELL[1])))
    qx = flux[row, :, 0]
    stagnation = None
    for i in range(len(xc) - 1):
        if xc[i] > WELL[0] and qx[i] < 0.0 <= qx[i + 1]:
            stagnation = xc[i] - qx[i] * (xc[i + 1] - xc[i]) / (qx[i + 1] - qx[i]) - WELL[0]
            break
    error = abs(stagnation - XS) / XS if stagnation is not None else float("inf")
    print(f"stagnation point {stagnation} m downstream of the well; Q / (2 pi b q0) = {XS} m "
          f"(rel. diff {error:.2%})")
    if not error <= 0.05:
        failures.append(f"stagnation point off by {error:.2%}")
    x0 = WELL[0] - 8 * XS
    low, high = 0.0, 4 * XS
    for _ in range(16):
        middle = 0.5 * (low + high)
        if track(flux, x0, WELL[1] + middle, x_nodes, y_nodes):
            low = middle
        else:
            high = middle
    exact = dividing_streamline(-8 * XS)
    error = abs(low - exact) / exact
    print(f"capture half-width at x = -8 x_s: {low:.2f} m; dividing streamline {exact:.2f} m "
          f"(rel. diff {error:.2%}); far upstream Q / (2 b q0) = {RATE / (2 * B * Q0):.2f} m")
    if not error <= 0.05:
        failures.append(f"capture half-width off by {error:.2%}")

    ledger = read_ledger(out)
    volume = RATE * 100.0
    energy = 1000.0 * 9.80665 * volume * (10.0 - heads[150.0] + 5.0) / 0.7 / 3.6e6
    expected = {("pt", "water_pumped"): volume, ("pt", "electricity:pumping"): energy,
                ("pt", "electricity:treatment"): 0.4 * volume}
    compare(ledger, expected, failures)
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
