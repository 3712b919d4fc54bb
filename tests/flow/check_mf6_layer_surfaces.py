#!/usr/bin/python3
"""Variable layer surfaces (grid.top / grid.bottoms from HDF5) with a pinched aquitard against
MODFLOW 6 (DIS TOP/BOTM arrays, idomain -1; tests/reference/mf6_layer_surfaces): the steady head
of every active cell, and the water the fixed-head cells take in and give out, agree with
MODFLOW 6's to `tolerance` times the head drop (4 m) for heads and `tolerance` relative for the
fixed-head flows.

The tolerance is chosen per case by ctest: confined, both codes solve the same discrete equations
(harmonic-mean transmissivities, half-cell vertical conductances through the pinched cells), so
only the solvers' closure remains (MF6 dvclose 1e-12 m): 1e-9. With every layer convertible,
MODFLOW 6 Newton's quadratic saturation (omega 1e-6) scales a mid-range saturation by
1 / (1 - 1e-6), a change of the transmissivity of up to 1e-6 relative that terrafate's smoothing
(within 1e-3 of the cell's bottom and top only) does not make: 1e-6.
Usage: check_mf6_layer_surfaces.py TERRAFATE DECK MF6_HEADS_CSV MF6_BUDGET_CSV OUTDIR TOLERANCE
"""
import csv
import json
import subprocess
import sys
from pathlib import Path

import h5py

exe, deck, heads_csv, budget_csv, out, tolerance = sys.argv[1:7]
tolerance = float(tolerance)
subprocess.run([exe, "run", deck, "-o", out, "--overwrite", "--no-figures"], check=True)
failures = []
summary = json.loads((Path(out) / "run_summary.json").read_text())
if not summary["max_budget_closure"] < 1e-10:
    failures.append(f"budget closure {summary['max_budget_closure']:.3e} is not below 1e-10")

with h5py.File(Path(out) / "results.h5", "r") as f:
    last = sorted(f["/outputs"])[-1]
    head = f[f"/outputs/{last}/head"][()]  # [k, j, i], k = 0 the bottom layer
nz = head.shape[0]
drop = 34.0 - 30.0  # the fixed heads west and east [m]
worst, compared = 0.0, 0
with open(heads_csv) as f:
    for row in csv.DictReader(f):
        layer, r, c = int(row["layer"]), int(row["row"]), int(row["column"])
        ours = head[nz - layer, r - 1, c - 1]
        difference = abs(ours - float(row["head"]))
        worst = max(worst, difference)
        compared += 1
        if not difference <= tolerance * drop:
            failures.append(f"MF6 cell ({layer}, {r}, {c}): head {ours:.12g} m, "
                            f"MODFLOW 6 {float(row['head']):.12g} m")
if compared != head.size - 29:  # every cell but the 29 pinched ones
    failures.append(f"compared {compared} cells, expected {head.size - 29}")

with open(budget_csv) as f:
    mf6 = list(csv.DictReader(f))[-1]
flows = {"in": 0.0, "out": 0.0}
with open(Path(out) / "budget.csv") as f:
    for row in csv.DictReader(f):
        if row["component"].startswith("head:"):
            flows["in"] += float(row["inflow"])
            flows["out"] += float(row["outflow"])
flow_error = max(abs(flows[d] - float(mf6[f"CHD(CHD)_{d.upper()}"])) / float(mf6["CHD(CHD)_IN"])
                 for d in ("in", "out"))
if not flow_error <= tolerance:
    failures.append(f"fixed-head flows {flows} m3/d, MODFLOW 6 in {mf6['CHD(CHD)_IN']}, "
                    f"out {mf6['CHD(CHD)_OUT']}")
print(f"{compared} cells: worst head difference {worst:.3e} m ({worst / drop:.3e} of the head "
      f"drop, limit {tolerance:g}); fixed-head flows in {flows['in']:.10g} m3/d (MODFLOW 6 "
      f"{float(mf6['CHD(CHD)_IN']):.10g}), relative difference {flow_error:.3e}; budget closure "
      f"{summary['max_budget_closure']:.2e}")
if failures:
    print("\n".join(failures[:20]))
    sys.exit(1)
