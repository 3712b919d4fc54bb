#!/usr/bin/python3
"""The user guide's three worked examples (python/examples/*.py) on the fixture's outputs
(ctest python_examples); each must exit 0 and print numbers that agree with the outputs:
- plume_and_risk.py on demo_run: the PCE peak at each output time equals the maximum of
  /outputs/NNNNNN/PCE read with h5py (3 significant digits as printed);
- compare_strategies.py on demo_opt and ensemble_opt: the recommendation printed is
  recommendation.json's;
- ensemble_statistics.py on ensemble_run: the P50 and P95 of the last time's cancer risk that
  pandas computes over the realizations' risk.csv equal terrafate's risk_quantiles.csv (to the
  printed 3 digits).

Usage: test_examples.py PYTHON_DIR WORKDIR
"""
import json
import os
import re
import subprocess
import sys

import h5py

python_dir, work = (os.path.abspath(a) for a in sys.argv[1:3])
failures = []


def fail(message):
    failures.append(message)
    print("FAIL", message)


def run(script, *args):
    result = subprocess.run(["/usr/bin/python3", os.path.join(python_dir, "examples", script),
                             *args], capture_output=True, text=True, cwd="/")
    print(f"== {script} {' '.join(args)}\n{result.stdout}{result.stderr[-1500:]}")
    if result.returncode != 0:
        fail(f"{script} {args}: exit {result.returncode}")
    return result.stdout


out = run("plume_and_risk.py", os.path.join(work, "demo_run"), "PCE")
peaks = [float(v) for v in re.findall(r"peak ([0-9.e+-]+) mg/L", out)]
with h5py.File(os.path.join(work, "demo_run", "results.h5"), "r") as f:
    expected = [f["outputs"][g]["PCE"][...].max() for g in sorted(f["outputs"])]
expected = [float(f"{v:.3g}") for v in expected if v > 0]
if peaks != expected or not peaks:
    fail(f"plume_and_risk.py peaks {peaks}, h5py {expected}")

for name in ("demo_opt", "ensemble_opt"):
    out = run("compare_strategies.py", os.path.join(work, name))
    with open(os.path.join(work, name, "recommendation.json")) as fh:
        rec = json.load(fh)
    want = rec["recommended"] or f"none (closest: {rec['closest']})"
    if f"recommended: {want}" not in out:
        fail(f"compare_strategies.py {name}: does not print 'recommended: {want}'")

out = run("ensemble_statistics.py", os.path.join(work, "ensemble_run"))
rows = [line.split() for line in out.splitlines() if line.startswith("well ")]
if len(rows) != 1 or len(rows[0]) != 5 or rows[0][1] != rows[0][3] or rows[0][2] != rows[0][4]:
    fail(f"ensemble_statistics.py: pandas and terrafate quantiles differ: {rows}")
if failures:
    sys.exit(f"{len(failures)} failures")
print("examples checked")
