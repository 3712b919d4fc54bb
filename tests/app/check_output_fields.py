"""output.fields chooses the fields written to results.h5 and the VTK series (issue 25).

Usage: check_output_fields.py TERRAFATE DECK WORKDIR

DECK (plausibility.yaml: one species B) runs three times with HDF5 and VTK on:
- without output.fields: every field (head, darcy_flux, velocity, B) at every output time;
- with `fields: [B]`: only B, bitwise equal to the first run's B at every output time (the
  reference), and the VTK pieces name only B;
- with `fields: [B, nope]`: validate exits 2 naming 'nope', the key, file:line and the fields
  the model has; no output folder is created.
"""
import glob
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"FAIL: {message}")


def deck(source, work, name, fields):
    text = open(source).read().replace("output: {hdf5: false, vtk: false}",
                                       "output: {hdf5: true, vtk: true" +
                                       (f", fields: {fields}" if fields else "") + "}")
    path = os.path.join(work, name + ".yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def fields(out):
    with h5py.File(os.path.join(out, "results.h5"), "r") as f:
        return {(g, d): f["outputs"][g][d][()] for g in f["outputs"] for d in f["outputs"][g]}


def main():
    terrafate, source, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    runs = {}
    for name, chosen in (("all", None), ("only_B", "[B]")):
        out = os.path.join(work, name)
        result = subprocess.run([terrafate, "run", deck(source, work, name, chosen), "-o", out,
                                 "--no-figures"], capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            sys.exit(f"FAIL: {name}: status {result.returncode}\n{result.stderr}")
        runs[name] = fields(out)
    names_all = sorted({d for _, d in runs["all"]})
    names_b = sorted({d for _, d in runs["only_B"]})
    print(f"all: {names_all}; fields: [B]: {names_b}")
    check(names_all == ["B", "darcy_flux", "head", "velocity"], f"all fields: {names_all}")
    check(names_b == ["B"], f"output.fields [B] wrote {names_b}")
    for key, value in runs["only_B"].items():
        check(np.array_equal(value, runs["all"][key]), f"{key} differs from the full run's")
    groups = {g for g, _ in runs["all"]}
    check({g for g, _ in runs["only_B"]} == groups, "output.fields changed the output times")
    pieces = glob.glob(os.path.join(work, "only_B", "vtk", "step_*", "*"))
    text = "".join(open(p, errors="replace").read() for p in pieces if os.path.isfile(p))
    check(pieces and 'Name="B"' in text and 'Name="head"' not in text,
          "the VTK pieces of fields: [B] do not hold B alone")

    bad = deck(source, work, "bad", "[B, nope]")
    result = subprocess.run([terrafate, "validate", bad], capture_output=True, text=True,
                            timeout=600)
    print(f"fields: [B, nope]: status {result.returncode}: {result.stderr.strip()}")
    check(result.returncode == 2, f"an unknown field: status {result.returncode}")
    check("'nope'" in result.stderr and "output.fields" in result.stderr and
          "bad.yaml:" in result.stderr and "head, darcy_flux, velocity, B" in result.stderr,
          f"an unknown field: message {result.stderr!r}")
    result = subprocess.run([terrafate, "run", bad, "-o", os.path.join(work, "bad_out")],
                            capture_output=True, text=True, timeout=600)
    check(result.returncode == 2 and not os.path.exists(os.path.join(work, "bad_out")),
          f"run with an unknown field: status {result.returncode}, or a folder left behind")

    if failures:
        sys.exit("FAIL:\n" + "\n".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
