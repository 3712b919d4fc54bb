#!/usr/bin/python3
"""grid.top / grid.bottoms end to end (issue 24): a two-layer site (tests/flow/layer_surfaces,
made by make_inputs.py) whose top is an ESRI ASCII raster and whose middle surface is an HDF5
dataset, with a wedge where the lower layer pinches out, run with transport at 1 and 2 ranks.
Checks against the surfaces make_inputs.py wrote: results.h5 /static/cell_bottom and cell_top
equal them cell by cell; /grid/site_nodes z is the mean of the surrounding columns' elevations;
the XDMF is a 3DSMesh on /grid/site_nodes; the VTK steps are structured grids (.pvts) whose point
z equal those node elevations and whose heads equal results.h5's; the dissolved mass equals
porosity x each cell's own volume x c summed by hand (pinched cells, of zero thickness, hold
none); heads of 1 and 2 ranks agree; the flow budget closes. throughflow.yaml: where water
flows down through pinched cells they carry the tracer concentration of the cell above (to 1e-6,
the transport solver's tolerance; upwind, no storage), the mass balance closes and the dissolved
mass is the hand sum.
Usage: check_layer_surfaces_outputs.py TERRAFATE DECK OUTDIR MPIEXEC"""
import json
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import vtk
from vtk.util.numpy_support import vtk_to_numpy

exe, deck, out, mpiexec = sys.argv[1:5]
out = Path(out)
out.mkdir(parents=True, exist_ok=True)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(deck).parent))
from make_inputs import dx, middle, nx, ny, top  # noqa: E402  the surfaces the files hold

failures = []
heads = {}
for ranks in (1, 2):
    folder = out / f"np{ranks}"
    subprocess.run([mpiexec, "--oversubscribe", "-n", str(ranks), exe, "run", deck, "-o",
                    str(folder), "--overwrite", "--no-figures"], check=True)
    summary = json.loads((folder / "run_summary.json").read_text())
    if not summary["max_budget_closure"] < 1e-8:
        failures.append(f"np{ranks}: budget closure {summary['max_budget_closure']}")
    with h5py.File(folder / "results.h5") as f:
        bottom = f["/static/cell_bottom"][...]  # [nz, ny, nx], k = 0 the bottom layer
        cell_top = f["/static/cell_top"][...]
        last = sorted(f["/outputs"].keys())[-1]
        heads[ranks] = f[f"/outputs/{last}/head"][...]
        concentration = f[f"/outputs/{last}/tracer"][...]
        nodes = f["/grid/site_nodes"][...]
    expected_bottom = np.stack([np.zeros_like(top), middle])
    expected_top = np.stack([middle, top])
    if not (np.array_equal(bottom, expected_bottom) and np.array_equal(cell_top, expected_top)):
        failures.append(f"np{ranks}: /static/cell_bottom or cell_top differ from the surfaces")
    # Node elevations: the mean over the (up to 4) columns around each node.
    surfaces = [np.zeros_like(top), middle, top]
    for k, surface in enumerate(surfaces):
        padded = np.pad(surface, 1, mode="constant", constant_values=np.nan)
        corners = np.stack([padded[:-1, :-1], padded[:-1, 1:], padded[1:, :-1], padded[1:, 1:]])
        expected = np.nanmean(corners, axis=0)
        if not np.allclose(nodes[k, :, :, 2], expected, rtol=0, atol=1e-12):
            failures.append(f"np{ranks}: site_nodes z of surface {k} differ")
    pinched = middle < 1e-3
    # The dissolved mass [g] by hand: porosity x plan area x each cell's own thickness x c (a
    # pinched cell, thickness 0, holds none whatever water passes through it).
    with open(folder / "mass_balance.csv") as f:
        dissolved = float(f.readlines()[-1].split(",")[2])
    by_hand = np.sum(0.3 * dx * dx * (cell_top - bottom) * concentration)
    if not abs(dissolved - by_hand) <= 1e-9 * by_hand:
        failures.append(f"np{ranks}: dissolved mass {dissolved} g, by hand {by_hand} g")
    if not concentration[1].max() > 0.1:
        failures.append(f"np{ranks}: no tracer arrived in the upper layer")
    xmf = (folder / "results.xmf").read_text()
    if "3DSMesh" not in xmf or "/grid/site_nodes" not in xmf:
        failures.append(f"np{ranks}: results.xmf is not a 3DSMesh on /grid/site_nodes")
    pvd = (folder / "vtk" / "fields.pvd").read_text()
    if "fields.pvts" not in pvd:
        failures.append(f"np{ranks}: fields.pvd does not list .pvts steps")
    steps = sorted((folder / "vtk").glob("step_*"))
    reader = vtk.vtkXMLPStructuredGridReader()
    reader.SetFileName(str(steps[-1] / "fields.pvts"))
    reader.Update()
    grid = reader.GetOutput()
    points = vtk_to_numpy(grid.GetPoints().GetData())
    vtk_head = vtk_to_numpy(grid.GetCellData().GetArray("head"))
    extent = grid.GetExtent()
    if extent != (0, nx, 0, ny, 0, 2):
        failures.append(f"np{ranks}: VTK extent {extent}")
    else:
        z = points[:, 2].reshape(3, ny + 1, nx + 1)
        if not np.allclose(z, nodes[:, :, :, 2], rtol=0, atol=1e-9):
            failures.append(f"np{ranks}: VTK point elevations differ from /grid/site_nodes")
        if not np.allclose(vtk_head.reshape(2, ny, nx), heads[ranks], rtol=0, atol=1e-12):
            failures.append(f"np{ranks}: VTK head differs from results.h5")
    print(f"np{ranks}: budget closure {summary['max_budget_closure']:.2e}, "
          f"pinched cells {int(pinched.sum())}, "
          f"max tracer upper layer {concentration[1].max():.3f}")
# Throughflow: water and tracer pass down through the pinched cells of the middle layer.
folder = out / "throughflow"
subprocess.run([exe, "run", str(Path(deck).parent / "throughflow.yaml"), "-o", str(folder),
                "--overwrite", "--no-figures"], check=True)
with open(folder / "mass_balance.csv") as f:
    closure = float(f.readlines()[-1].split(",")[14])
with h5py.File(folder / "results.h5") as f:
    thickness = f["/static/cell_top"][...] - f["/static/cell_bottom"][...]
    last = sorted(f["/outputs"].keys())[-1]
    head = f[f"/outputs/{last}/head"][...]
    c = f[f"/outputs/{last}/tracer"][...]
with open(folder / "mass_balance.csv") as f:
    dissolved = float(f.readlines()[-1].split(",")[2])
by_hand = np.sum(0.3 * 100.0 * thickness * c)
pinched = thickness[1] < 1e-3
downward = pinched & (head[2] > head[1]) & (head[1] > head[0])
gap = np.abs(c[1] - c[2])[downward].max()
print(f"throughflow: closure {closure:.1e}, {int(downward.sum())} pinched cells with downward "
      f"flow, max |c_pinched - c_above| {gap:.1e}, tracer under the source "
      f"{c[1][5, 12:18].min():.6f}..{c[1][5, 12:18].max():.6f}, bottom layer max {c[0].max():.3f}")
if not closure < 1e-10:
    failures.append(f"throughflow: mass balance closure {closure}")
if not (downward.sum() >= 50 and gap < 1e-6):  # the transport solver's tolerance
    failures.append(f"throughflow: pinched cells do not pass the water above them ({gap})")
if not c[0].max() > 0.1:
    failures.append("throughflow: no tracer reached the bottom layer")
if not abs(dissolved - by_hand) <= 1e-9 * by_hand:
    failures.append(f"throughflow: dissolved mass {dissolved} g, by hand {by_hand} g")

difference = np.nanmax(np.abs(heads[1] - heads[2]))
print(f"1 vs 2 ranks: max head difference {difference:.2e} m")
if not difference < 1e-8:
    failures.append(f"1 vs 2 ranks heads differ by {difference}")
if failures:
    print("\n".join(failures))
    sys.exit(1)
