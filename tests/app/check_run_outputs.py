#!/usr/bin/python3
"""Runs a deck with terrafate at 1 and 2 MPI ranks and checks the output contract and the
agreement between rank counts.

Checked: exit status 0; results.h5 (grid coordinates, head and velocity at every output time with
units), results.xmf naming every dataset, vtk/fields.pvd listing readable .pvtr steps whose head
equals the HDF5 head; observations.csv and budget.csv with their contract columns; the budget
closure of every output below 1e-10; heads at 1 and 2 ranks equal to 1e-10 (relative to the head
range) in results.h5 and observations.csv.
Usage: check_run_outputs.py TERRAFATE DECK WORKDIR MPIEXEC
"""
import csv
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np


def run(terrafate, deck, out, ranks, mpiexec):
    if os.path.exists(out):
        shutil.rmtree(out)
    command = [mpiexec, "--oversubscribe", "-n", str(ranks), terrafate, "run", deck, "-o", out]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        sys.exit(f"FAIL: {' '.join(command)} exited {result.returncode}\n{result.stderr}")


def read_csv(path, header):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if rows[0] != header:
        sys.exit(f"FAIL: {path} header {rows[0]} != {header}")
    return rows[1:]


def check_outputs(out):
    with h5py.File(os.path.join(out, "results.h5"), "r") as f:
        nodes = [f[f"grid/{axis}_nodes"][()] for axis in "xyz"]
        shape = tuple(len(n) - 1 for n in reversed(nodes))
        assert f["grid/x_nodes"].attrs["unit"] in ("m", b"m")
        assert "deck" in f["provenance"].attrs and "git_commit" in f["provenance"].attrs
        heads = []
        for name in sorted(f["outputs"]):
            group = f["outputs"][name]
            assert group["head"].shape == shape, (group["head"].shape, shape)
            assert group["velocity"].shape == shape + (3,)
            assert group["head"].attrs["unit"] in ("m", b"m")
            heads.append((float(group.attrs["time"]), group["head"][()]))
    xmf = open(os.path.join(out, "results.xmf")).read()
    for index in range(len(heads)):
        assert f"/outputs/{index:06d}/head" in xmf, index
    pvd = open(os.path.join(out, "vtk", "fields.pvd")).read()
    assert pvd.count("<DataSet") == len(heads)
    try:
        from vtkmodules.vtkIOXML import vtkXMLPRectilinearGridReader
        from vtkmodules.util.numpy_support import vtk_to_numpy
    except ImportError:
        sys.exit("FAIL: python3-vtk9 is required to read the VTK series back")
    reader = vtkXMLPRectilinearGridReader()
    reader.SetFileName(os.path.join(out, "vtk", f"step_{len(heads) - 1:06d}", "fields.pvtr"))
    reader.Update()
    vtk_head = vtk_to_numpy(reader.GetOutput().GetCellData().GetArray("head"))
    np.testing.assert_array_equal(vtk_head, heads[-1][1].ravel())
    observations = read_csv(os.path.join(out, "observations.csv"),
                            ["time", "location", "variable", "value", "unit"])
    budget = read_csv(os.path.join(out, "budget.csv"),
                      ["time", "component", "inflow", "outflow", "unit"])
    well = {float(t): float(out) for t, c, _, out, _ in budget if c == "well:PW1"}
    # PW1 pumps 80 m3/d from 10 d to 60 d. An output at time t shows the step that ends at t, so
    # the well is on in the 30 and 60 d outputs and off in the 0, 10 and 100 d ones.
    expected = {0.0: 0.0, 10.0: 0.0, 30.0: 80.0, 60.0: 80.0, 100.0: 0.0}
    for time, rate in expected.items():
        if abs(well[time] - rate) > 1e-9 * 80:
            sys.exit(f"FAIL: well:PW1 outflow {well[time]} at t = {time}, expected {rate}")
    by_time = {}
    for time, _, inflow, outflow, unit in budget:
        assert unit == "m3/d"
        total = by_time.setdefault(time, [0.0, 0.0])
        total[0] += float(inflow)
        total[1] += float(outflow)
    for time, (inflow, outflow) in by_time.items():
        closure = abs(inflow - outflow) / (0.5 * (inflow + outflow))
        if closure >= 1e-10:
            sys.exit(f"FAIL: budget closure {closure:.3e} at t = {time} in {out}")
    return heads, observations


def main():
    terrafate, deck, workdir, mpiexec = sys.argv[1:5]
    results = {}
    for ranks in (1, 2):
        out = os.path.join(workdir, f"np{ranks}")
        run(terrafate, deck, out, ranks, mpiexec)
        results[ranks] = check_outputs(out)
    (heads1, obs1), (heads2, obs2) = results[1], results[2]
    assert len(heads1) == len(heads2)
    scale = max(float(np.ptp(h)) for _, h in heads1) or 1.0
    worst = 0.0
    for (t1, h1), (t2, h2) in zip(heads1, heads2):
        assert t1 == t2
        worst = max(worst, float(np.max(np.abs(h1 - h2))) / scale)
    assert len(obs1) == len(obs2)
    for a, b in zip(obs1, obs2):
        assert a[:3] == b[:3], (a, b)
        worst = max(worst, abs(float(a[3]) - float(b[3])) / scale)
    print(f"1 vs 2 ranks: max head difference / head range = {worst:.3e} over {len(heads1)} outputs")
    if worst >= 1e-10:
        sys.exit("FAIL: heads differ between 1 and 2 ranks by more than 1e-10")
    print("PASS")


if __name__ == "__main__":
    main()
