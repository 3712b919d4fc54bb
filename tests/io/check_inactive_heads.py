"""results.h5 marks inactive cells (grid.idomain): their heads are NaN, every other head finite.

Usage: check_inactive_heads.py TERRAFATE DECK OUT   (Debian's /usr/bin/python3 with h5py)

The reference is the deck's inactive box applied to the cell centres by hand (x 85..115 m,
y 35..65 m, both layers: 4 x 4 x 2 = 32 cells); the river inflow carries 1 mg/L, so the
concentrations stay within [0, 1].
"""
import subprocess
import sys

import h5py
import numpy as np


def main():
    terrafate, deck, out = sys.argv[1:4]
    result = subprocess.run([terrafate, "run", deck, "-o", out, "--overwrite"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stdout, result.stderr)
        return 1
    with h5py.File(f"{out}/results.h5", "r") as f:
        x = f["/grid/x_centers"][()]
        y = f["/grid/y_centers"][()]
        z = f["/grid/z_centers"][()]
        groups = sorted(f["/outputs"].keys())
        head = f[f"/outputs/{groups[-1]}/head"][()]
        pce = f[f"/outputs/{groups[-1]}/PCE"][()]
    zz, yy, xx = np.meshgrid(z, y, x, indexing="ij")
    expected = (xx > 80) & (xx < 120) & (yy > 30) & (yy < 70)
    head = head.reshape(expected.shape)
    failures = []
    if int(expected.sum()) != 32:
        failures.append(f"reference has {int(expected.sum())} inactive cells, not 32")
    if not np.array_equal(np.isnan(head), expected):
        failures.append(f"NaN heads in {int(np.isnan(head).sum())} cells, "
                        f"{int((np.isnan(head) != expected).sum())} differ from the reference")
    if not np.all(np.isfinite(head[~expected])):
        failures.append("non-finite head in an active cell")
    if not (np.nanmin(pce) >= -1e-9 and np.nanmax(pce) <= 1.0 + 1e-9 and np.nanmax(pce) > 0.01):
        failures.append(f"PCE range [{np.nanmin(pce)}, {np.nanmax(pce)}] outside [0, 1] or empty")
    print(f"inactive cells: {int(np.isnan(head).sum())} NaN heads, reference {int(expected.sum())};"
          f" PCE max {np.nanmax(pce):.4f} mg/L")
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
