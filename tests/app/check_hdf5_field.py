#!/usr/bin/python3
"""A conductivity field read from HDF5 must give the same heads as the same field built from
material zones. Writes an [nz, ny, nx, 3] field equal to the zones of ranks_agreement.yaml
(anisotropic sand with an isotropic clay lens), runs the zoned deck and a copy whose materials
section reads the field, at 2 ranks, and compares the heads of every output (to 1e-12 of the
head range).
Usage: check_hdf5_field.py TERRAFATE ZONES_DECK WORKDIR MPIEXEC
"""
import os
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np


def run(terrafate, deck, out, mpiexec):
    if os.path.exists(out):
        shutil.rmtree(out)
    command = [mpiexec, "--oversubscribe", "-n", "2", terrafate, "run", deck, "-o", out]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        sys.exit(f"FAIL: {' '.join(command)} exited {result.returncode}\n{result.stderr}")
    with h5py.File(os.path.join(out, "results.h5"), "r") as f:
        return [f["outputs"][name]["head"][()] for name in sorted(f["outputs"])]


def main():
    terrafate, zones_deck, workdir, mpiexec = sys.argv[1:5]
    os.makedirs(workdir, exist_ok=True)
    # Grid of ranks_agreement.yaml: 300 x 200 x 12 m in 30 x 20 x 4 cells.
    nx, ny, nz = 30, 20, 4
    xc = (np.arange(nx) + 0.5) * 10.0
    yc = (np.arange(ny) + 0.5) * 10.0
    zc = (np.arange(nz) + 0.5) * 3.0
    z, y, x = np.meshgrid(zc, yc, xc, indexing="ij")
    field = np.empty((nz, ny, nx, 3))
    field[...] = [12.0, 8.0, 1.5]
    lens = (x >= 100) & (x <= 180) & (y >= 50) & (y <= 150) & (z >= 3) & (z <= 6)
    field[lens] = 0.02
    with h5py.File(os.path.join(workdir, "k_field.h5"), "w") as f:
        f.create_dataset("conductivity/K", data=field)
    text = open(zones_deck).read()
    materials = (
        "materials:\n"
        "  - {name: sand, region: all, hydraulic_conductivity: {hdf5: k_field.h5, dataset: /conductivity/K}, porosity: 0.3, specific_storage: 2.0e-5}\n"
        "  - {name: clay, region: {box: {min: [100, 50, 3], max: [180, 150, 6]}}, hydraulic_conductivity: {hdf5: k_field.h5, dataset: /conductivity/K}, porosity: 0.45, specific_storage: 1.0e-4}\n")
    text, count = re.subn(r"materials:\n(  - .*\n)+", materials, text)
    assert count == 1, "materials section not found"
    field_deck = os.path.join(workdir, "field.yaml")
    with open(field_deck, "w") as f:
        f.write(text)
    zoned = run(terrafate, zones_deck, os.path.join(workdir, "zones"), mpiexec)
    from_file = run(terrafate, field_deck, os.path.join(workdir, "field"), mpiexec)
    scale = max(float(np.ptp(h)) for h in zoned)
    worst = max(float(np.max(np.abs(a - b))) for a, b in zip(zoned, from_file)) / scale
    print(f"HDF5 field vs zones: max head difference / head range = {worst:.3e}")
    if worst > 1e-12:
        sys.exit("FAIL")
    print("PASS")


if __name__ == "__main__":
    main()
