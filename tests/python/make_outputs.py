#!/usr/bin/python3
"""ctest fixture: runs terrafate on the decks the Python tests read and leaves the outputs in
WORKDIR: demo_run (a run with fields), demo_opt (an optimization with two strategies and fields),
ensemble_opt (an optimization over a 6-realization ensemble, fields on), ensemble_run (a 12-
realization ensemble run) and design_opt (a design-space search, fields off).

Usage: make_outputs.py TERRAFATE REPO WORKDIR
"""
import os
import re
import shutil
import subprocess
import sys


def run(terrafate, command, deck, out, *extra):
    if os.path.exists(out):
        shutil.rmtree(out)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    result = subprocess.run([terrafate, command, deck, "-o", out, *extra], env=env, capture_output=True,
                            text=True)
    if result.returncode != 0:
        sys.exit(f"terrafate {command} {deck} failed ({result.returncode}):\n"
                 f"{result.stdout}\n{result.stderr}")
    print(f"{command} {os.path.basename(deck)} -> {out}")


def edited(source, target, replacements):
    text = open(source).read()
    for old, new in replacements:
        if not re.search(old, text):
            sys.exit(f"{source}: '{old}' not found (the deck changed: update make_outputs.py)")
        text = re.sub(old, new, text)
    with open(target, "w") as f:
        f.write(text)
    return target


def main():
    terrafate, repo, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    decks = os.path.join(work, "decks")
    os.makedirs(decks, exist_ok=True)
    demo = os.path.join(repo, "inputs", "demo", "demo.yaml")
    run(terrafate, "run", demo, os.path.join(work, "demo_run"), "--all-actions")
    run(terrafate, "optimize", demo, os.path.join(work, "demo_opt"))
    ensemble = edited(os.path.join(repo, "inputs", "verification", "optimize_ensemble_confidence",
                                   "strict.yaml"), os.path.join(decks, "ensemble_opt.yaml"),
                      [(r"output: \{hdf5: false, vtk: false\}", "output: {hdf5: true, vtk: false}")])
    run(terrafate, "optimize", ensemble, os.path.join(work, "ensemble_opt"))
    batch = edited(os.path.join(repo, "inputs", "verification", "risk_ensemble_batch",
                                "batch.yaml"), os.path.join(decks, "ensemble_run.yaml"),
                   [(r"output: \{hdf5: false, vtk: false\}", "output: {hdf5: true, vtk: false}"),
                    (r"realizations: 200", "realizations: 12")])
    run(terrafate, "run", batch, os.path.join(work, "ensemble_run"))
    design = os.path.join(repo, "inputs", "verification", "optimize_design_search", "site.yaml")
    run(terrafate, "optimize", design, os.path.join(work, "design_opt"))


if __name__ == "__main__":
    main()
