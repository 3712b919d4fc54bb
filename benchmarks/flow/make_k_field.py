#!/usr/bin/python3
"""Writes a heterogeneous hydraulic-conductivity field for the steady-flow benchmark.

log10 K is Gaussian (mean 1, i.e. K = 10 m/d; standard deviation 0.5), spatially correlated by a
separable moving average (a few cells horizontally, one vertically); a fixed seed makes the
field reproducible. Stored as /K with shape [nz, ny, nx] (x fastest), the layout terrafate reads.
Usage: make_k_field.py OUT.h5 NX NY NZ
"""
import sys

import h5py
import numpy as np


def smooth(field, axis, width):
    kernel = np.ones(width) / width
    return np.apply_along_axis(lambda v: np.convolve(np.pad(v, width, mode="wrap"), kernel, "same")[width:-width], axis, field)


def main():
    out, nx, ny, nz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    rng = np.random.default_rng(20261128)
    noise = rng.standard_normal((nz, ny, nx))
    for axis, width in ((2, 5), (1, 5), (0, 2)):
        noise = smooth(noise, axis, width)
    noise = (noise - noise.mean()) / noise.std()
    conductivity = 10.0 ** (1.0 + 0.5 * noise)
    with h5py.File(out, "w") as f:
        dataset = f.create_dataset("K", data=conductivity)
        dataset.attrs["unit"] = "m/d"
    print(f"{out}: K in [{conductivity.min():.3g}, {conductivity.max():.3g}] m/d, "
          f"geometric mean {np.exp(np.log(conductivity).mean()):.3g} m/d")


if __name__ == "__main__":
    main()
