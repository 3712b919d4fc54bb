#!/usr/bin/python3
"""Steady flow without transport under linear time series (issue 24): runs
series_steady_outputs.yaml at 1 and 2 ranks and checks every output's heads in results.h5
against the steady state of that instant by hand. The xmin general head H(t) and its
conductance c(t) [1/d per m2] are interpolated linearly in time; the water crosses the face
conductance C = c A (A = 10 m2) and the whole strip (L = 100 m, K A = 50 m2/d) to xmax at 8 m:
Q = (H - 8) / (1/C + L/(K A)), h(x) = 8 + Q (L - x) / (K A) at the cell centres.
Usage: check_series_steady_outputs.py TERRAFATE DECK OUTDIR MPIEXEC"""
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np

exe, deck, out, mpiexec = sys.argv[1:5]
out = Path(out)
out.mkdir(parents=True, exist_ok=True)


def hand_heads(t):
    head = np.interp(t, [0.0, 100.0, 200.0], [10.0, 12.0, 11.0])
    conductance = np.interp(t, [0.0, 150.0], [0.5, 0.1]) * 10.0
    q = (head - 8.0) / (1.0 / conductance + 100.0 / 50.0)
    x = 10.0 * np.arange(10) + 5.0
    return 8.0 + q * (100.0 - x) / 50.0


failures = []
for ranks in (1, 2):
    folder = out / f"np{ranks}"
    subprocess.run([mpiexec, "--oversubscribe", "-n", str(ranks), exe, "run", deck, "-o",
                    str(folder), "--overwrite", "--no-figures"], check=True)
    with h5py.File(folder / "results.h5") as f:
        groups = sorted(f["/outputs"].keys())
        times = [float(f[f"/outputs/{g}"].attrs["time"]) for g in groups]
        if times != [0.0, 50.0, 100.0, 150.0, 175.0, 200.0]:
            failures.append(f"np{ranks}: output times {times}")
        for g, t in zip(groups, times):
            heads = f[f"/outputs/{g}/head"][...].reshape(-1)
            error = np.max(np.abs(heads - hand_heads(t)))
            print(f"np{ranks} t = {t:g} d: max |h - hand| = {error:.1e} m "
                  f"(h0 {heads[0]:.9f} m)")
            if not error < 1e-9:
                failures.append(f"np{ranks} t = {t}: heads differ from the hand values by {error}")
if failures:
    print("FAIL:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("PASS: every output is the steady state of its instant")
