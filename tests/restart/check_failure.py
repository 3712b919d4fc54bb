"""Failure injection: a run whose linear solver cannot converge from some time on.

Usage: check_failure.py TERRAFATE WORKDIR

A 1-D column takes a source only from 500 d; before that every concentration is 0 and each
transport solve converges at once. The run is given -transport_ksp_max_it 2 with a Jacobi
preconditioner, so the first step with the source fails; terrafate must retry it with smaller
steps (4 times), then stop with exit status 3 and a message naming the time, the species and a
cell, and keep everything complete: observations.csv and mass_balance.csv up to 400 d,
results.h5 (under its final name) with the outputs up to 400 d, and the checkpoint of 400 d,
from which a run without the limit continues to the results of an uninterrupted run.
"""
import csv
import glob
import os
import shutil
import subprocess
import sys

import h5py

DECK = """title: failure injection
grid:
  origin: [0, 0, 0]
  size: [100, 1, 1]
  cells: [100, 1, 1]
materials:
  - {name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.25,
     dispersivity: [1, 0.1, 0.1]}
flow:
  type: steady
  boundaries:
    - {face: xmin, type: head, head: 2}
    - {face: xmax, type: head, head: 0}
transport:
  species:
    - {name: A}
  sources:
    - {species: A, type: concentration, region: {box: {min: [0, 0, 0], max: [3, 1, 1]}},
       concentration: 1, start: 500}
observations:
  points:
    - {name: P, position: [20.5, 0.5, 0.5]}
time:
  end: 1000
  max_step: 10
  output_times: [100, 200, 300, 400, 600, 800, 1000]
output:
  hdf5: true
  vtk: false
  checkpoint: {every: 200}
"""


def run(args):
    return subprocess.run(args, capture_output=True, text=True, timeout=300)


def main():
    terrafate, workdir = sys.argv[1:3]
    if os.path.exists(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    deck = os.path.join(workdir, "failure.yaml")
    with open(deck, "w") as f:
        f.write(DECK)
    failures = []
    out = os.path.join(workdir, "fails")
    result = run([terrafate, "run", deck, "-o", out, "-transport_pc_type", "jacobi",
                  "-transport_ksp_max_it", "2"])
    message = result.stderr.strip()
    print(f"exit {result.returncode}: {message}")
    for text in ("numerical error", "t = 500 d", "retries", "species 'A'", "cell (i, j, k)"):
        if text not in message:
            failures.append(f"the message lacks '{text}'")
    if result.returncode != 3:
        failures.append(f"exit status {result.returncode}, not 3")
    times = sorted({float(r["time"]) for r in csv.DictReader(open(os.path.join(out,
                                                                               "observations.csv")))})
    print(f"observations.csv times: {times}")
    if times != [100.0, 200.0, 300.0, 400.0]:
        failures.append(f"observations.csv holds {times}")
    balance = sorted({float(r["time"]) for r in csv.DictReader(open(os.path.join(out,
                                                                                 "mass_balance.csv")))})
    if balance != times:
        failures.append(f"mass_balance.csv holds {balance}")
    with h5py.File(os.path.join(out, "results.h5"), "r") as f:
        h5_times = sorted(float(f["outputs"][g].attrs["time"]) for g in f["outputs"])
    print(f"results.h5 outputs: {h5_times}")
    if h5_times != [100.0, 200.0, 300.0, 400.0]:
        failures.append(f"results.h5 holds {h5_times}")
    checkpoints = sorted(p for p in glob.glob(os.path.join(out, "checkpoints", "checkpoint_*.h5"))
                         if not p.endswith("_results.h5"))
    print(f"checkpoints kept: {[os.path.basename(p) for p in checkpoints]}")
    reference = os.path.join(workdir, "reference")
    if run([terrafate, "run", deck, "-o", reference]).returncode != 0:
        sys.exit("FAIL: the reference run failed")
    resumed = os.path.join(workdir, "resumed")
    result = run([terrafate, "run", deck, "-o", resumed, "--restart", checkpoints[-1]])
    if result.returncode != 0:
        failures.append(f"the restart from {checkpoints[-1]} failed: {result.stderr}")
    else:
        for name in ("observations.csv", "mass_balance.csv", "budget.csv"):
            if open(os.path.join(reference, name)).read() != open(os.path.join(resumed,
                                                                                name)).read():
                failures.append(f"the continued run's {name} differs from the reference")
        print("continued from the last checkpoint: observations.csv, mass_balance.csv, "
              "budget.csv identical to an uninterrupted run")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
