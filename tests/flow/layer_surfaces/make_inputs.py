#!/usr/bin/python3
"""Writes top.asc (ESRI ASCII grid: the top of the upper layer) and layers.h5 (/middle, [ny, nx]:
the bottom of the upper layer) for deck.yaml, and aquitard_top.asc (the top of the middle layer
of throughflow.yaml: 6 m west of x = 100 m, 5 m east, where that layer pinches out);
check_layer_surfaces_outputs.py imports the same arrays as its reference. Run from this folder:
/usr/bin/python3 make_inputs.py"""
import numpy as np

nx, ny, dx = 24, 12, 10.0
xc = (np.arange(nx) + 0.5) * dx
yc = (np.arange(ny) + 0.5) * dx
X, Y = np.meshgrid(xc, yc)  # [ny, nx], row j = y index j
# [m]; single precision values (GDAL reads ESRI ASCII grids as Float32)
top = (20.0 + 0.05 * X + 0.02 * Y).astype(np.float32).astype(np.float64)
# The lower layer (from 0 up to the middle surface) thins eastwards and pinches out (thickness 0)
# for x > 180 m.
middle = np.where(X < 180.0, 8.0 - 8.0 * X / 180.0, 0.0)
# throughflow.yaml: 20 x 10 cells of 10 m.
aquitard_top = np.where(X[:10, :20] < 100.0, 6.0, 5.0)

if __name__ == "__main__":
    import h5py

    with open("top.asc", "w") as f:
        f.write(f"ncols {nx}\nnrows {ny}\nxllcorner 0\nyllcorner 0\ncellsize {dx}\n")
        for row in top[::-1]:  # ESRI ASCII: the northmost row first
            f.write(" ".join(f"{v:.9g}" for v in row) + "\n")
    with open("aquitard_top.asc", "w") as f:
        f.write(f"ncols 20\nnrows 10\nxllcorner 0\nyllcorner 0\ncellsize {dx}\n")
        for row in aquitard_top[::-1]:
            f.write(" ".join(f"{v:g}" for v in row) + "\n")
    with h5py.File("layers.h5", "w") as f:
        f["/middle"] = middle
