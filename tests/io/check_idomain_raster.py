"""grid.idomain.raster from an ESRI ASCII grid: NaN heads in results.h5 exactly at the cells
whose centre falls on a pixel that is 0 or nodata (issue 24).

Usage: check_idomain_raster.py TERRAFATE DECK OUT   (Debian's /usr/bin/python3 with h5py)

The reference reads the .asc named by the deck with plain Python (header, then rows from the
north) and locates each cell centre by floor((x - xllcorner) / cellsize) and
floor((ytop - y) / cellsize): no GDAL involved.
"""
import math
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np


def read_asc(path):
    lines = Path(path).read_text().split("\n")
    header = {}
    for line in lines[:6]:
        key, value = line.split()
        header[key.lower()] = float(value)
    values = np.array([[float(v) for v in line.split()] for line in lines[6:] if line.strip()])
    return header, values


def main():
    terrafate, deck, out = sys.argv[1:4]
    result = subprocess.run([terrafate, "run", deck, "-o", out, "--overwrite", "--no-figures"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stdout, result.stderr)
        return 1
    header, values = read_asc(Path(deck).parent / "idomain_raster.asc")
    top = header["yllcorner"] + header["nrows"] * header["cellsize"]
    with h5py.File(f"{out}/results.h5", "r") as f:
        x = f["/grid/x_centers"][()]
        y = f["/grid/y_centers"][()]
        z = f["/grid/z_centers"][()]
        groups = sorted(f["/outputs"].keys())
        head = f[f"/outputs/{groups[-1]}/head"][()].reshape(len(z), len(y), len(x))
    expected = np.zeros(head.shape, dtype=bool)
    for j, yc in enumerate(y):
        for i, xc in enumerate(x):
            column = math.floor((xc - header["xllcorner"]) / header["cellsize"])
            row = math.floor((top - yc) / header["cellsize"])
            value = values[row, column]
            expected[:, j, i] = not (value > 0 and value != header["nodata_value"])
    failures = []
    if not np.array_equal(np.isnan(head), expected):
        failures.append(f"NaN heads in {int(np.isnan(head).sum())} cells, reference "
                        f"{int(expected.sum())}, {int((np.isnan(head) != expected).sum())} differ")
    if not (10 < expected.sum() < head.size // 2):
        failures.append(f"the reference has {int(expected.sum())} inactive cells")
    if not np.all(np.isfinite(head[~expected])):
        failures.append("non-finite head in an active cell")
    print(f"idomain raster: {int(np.isnan(head).sum())} NaN heads, reference {int(expected.sum())}"
          f" inactive cells of {head.size}")
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
