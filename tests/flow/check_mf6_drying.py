#!/usr/bin/python3
"""A water table falling through a layer bottom under a well switched on and off, against
MODFLOW 6 (NPF Newton, the same grid; tests/reference/mf6_drying): every one of the 120 steps
converges, the flow budget closes below 1e-8, and at the observation cells the drawdown (6 m less
the head) is within 1 % of MODFLOW 6's wherever MODFLOW 6's drawdown exceeds 5 cm, and within
1 % of the cell's largest drawdown elsewhere (the late recovery, drawdowns of millimetres).
Usage: check_mf6_drying.py TERRAFATE DECK MF6_OBS_CSV OUTDIR"""
import csv
import json
import subprocess
import sys
from pathlib import Path

exe, deck, reference, out = sys.argv[1:5]
subprocess.run([exe, "run", deck, "-o", out, "--overwrite", "--no-figures"], check=True)
summary = json.loads((Path(out) / "run_summary.json").read_text())
failures = []
if summary["steps"] != 120 or summary["flow_solves"] != 120:
    failures.append(f"expected 120 converged steps, got {summary['steps']} steps, "
                    f"{summary['flow_solves']} flow solves")
if not summary["max_budget_closure"] < 1e-8:
    failures.append(f"budget closure {summary['max_budget_closure']:.3e} is not below 1e-8")

static = 6.0
ours = {}
with open(Path(out) / "observations.csv") as f:
    for row in csv.DictReader(f):
        if row["variable"] == "head":
            ours[(round(float(row["time"]), 6), row["location"])] = static - float(row["value"])
theirs = {}
with open(reference) as f:
    reader = csv.DictReader(f)
    for row in reader:
        t = round(float(row["time"]), 6)
        for name, value in row.items():
            if name != "time":
                theirs[(t, name.lower())] = static - float(value)
points = sorted({name for _, name in ours})
largest = {p: max(s for (t, name), s in theirs.items() if name == p) for p in points}
worst = 0.0
print(f"{'time':>6} {'point':>11} {'terrafate':>10} {'MF6':>10} {'diff/limit':>10}")
for (t, name), s in sorted(ours.items()):
    if (t, name) not in theirs:
        failures.append(f"MODFLOW 6 has no {name} at t = {t}")
        continue
    reference_s = theirs[(t, name)]
    limit = 0.01 * (abs(reference_s) if abs(reference_s) > 0.05 else largest[name])
    ratio = abs(s - reference_s) / limit
    worst = max(worst, ratio)
    print(f"{t:6g} {name:>11} {s:10.5f} {reference_s:10.5f} {ratio:10.3f}")
    if ratio > 1.0:
        failures.append(f"{name} at t = {t} d: drawdown {s:.5f} m, MODFLOW 6 {reference_s:.5f} m")
print(f"steps {summary['steps']}, budget closure {summary['max_budget_closure']:.2e}, "
      f"worst drawdown difference {worst:.3f} of the 1 % limit")
if failures:
    print("\n".join(failures))
    sys.exit(1)
