"""output.strategies: whose 3-D fields (results.h5, vtk/) optimize keeps in strategies/.

Usage: check_output_strategies.py TERRAFATE STRATEGIES_DECK WORKDIR

The deck (inputs/verification/optimize_strategies/mid_deadline.yaml, three strategies) is run
with its fields on (output: {hdf5: true, vtk: true}) three times, with output.strategies all,
recommended and none. The reference for everything else is the `all` run:
1. all: every strategy folder holds results.h5 (with its concentration field B), results.xmf
   and vtk/;
2. recommended: only the strategy recommendation.json names holds them, and its results.h5 is
   the `all` run's, dataset for dataset;
3. none: no strategy folder holds any of them;
4. in all three, every other CSV of every strategy folder, strategies.csv, pareto.csv and
   recommendation.json (its timings aside) are the same as the `all` run's, and the top-level
   results.h5 (the risk trajectories) has the same datasets with the same values;
5. output.strategies: some → exit 2 naming the key and its choices.
"""
import filecmp
import json
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
    return condition


def run(args, expect=0):
    result = subprocess.run(args, capture_output=True, text=True, timeout=600)
    if result.returncode != expect:
        sys.exit(f"FAIL: {' '.join(args)} exited {result.returncode} (expected {expect})\n"
                 f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result


def datasets(path):
    found = {}

    def visit(name, item):
        if isinstance(item, h5py.Dataset):
            found[name] = item[()]

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return found


def same_datasets(a, b):
    da, db = datasets(a), datasets(b)
    if sorted(da) != sorted(db):
        return False
    for name in da:
        x, y = np.asarray(da[name]), np.asarray(db[name])
        if x.shape != y.shape:
            return False
        if x.dtype.kind == "f":
            if not np.array_equal(x, y, equal_nan=True):
                return False
        elif not np.array_equal(x, y):
            return False
    return True


def files_below(folder):
    result = set()
    for root, _, names in os.walk(folder):
        for name in names:
            result.add(os.path.relpath(os.path.join(root, name), folder))
    return result


def main():
    terrafate, source, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    text = open(source).read()
    fields_off = "output: {hdf5: false, vtk: false}"
    if fields_off not in text:
        sys.exit(f"{source}: '{fields_off}' not found (the deck changed: update this script)")
    outs = {}
    for choice in ["all", "recommended", "none"]:
        os.makedirs(os.path.join(work, choice))  # the same deck name (carbon.csv cites it)
        deck = os.path.join(work, choice, "site.yaml")
        with open(deck, "w") as f:
            f.write(text.replace(fields_off,
                                 f"output: {{hdf5: true, vtk: true, strategies: {choice}}}"))
        outs[choice] = os.path.join(work, choice, "out")
        run([terrafate, "optimize", deck, "-o", outs[choice], "--no-figures"])

    names = sorted(os.listdir(os.path.join(outs["all"], "strategies")))
    check(names == ["EISB", "MNA", "THERMAL"], f"strategies: {names}")
    recommended = json.load(open(os.path.join(outs["all"], "recommendation.json")))["recommended"]
    print(f"strategies {names}; recommended {recommended}")
    for choice, out in outs.items():
        kept = []
        for name in names:
            folder = os.path.join(out, "strategies", name)
            fields = os.path.join(folder, "results.h5")
            has = (os.path.exists(fields), os.path.isdir(os.path.join(folder, "vtk")),
                   os.path.exists(os.path.join(folder, "results.xmf")))
            check(has[0] == has[1] == has[2],
                  f"{choice}: {name}: results.h5 {has[0]}, vtk/ {has[1]}, results.xmf {has[2]}")
            if has[0]:
                kept.append(name)
                with h5py.File(fields, "r") as f:
                    found = []
                    f.visit(lambda n: found.append(n) if n.endswith("B") else None)
                check(found, f"{choice}: {name}/results.h5 holds no field B")
        expected = {"all": names, "recommended": [recommended], "none": []}[choice]
        check(kept == expected, f"{choice}: fields kept for {kept}, expected {expected}")
        print(f"output.strategies: {choice}: 3-D fields kept for {kept}")
        if choice == "all":
            continue
        if choice == "recommended":
            check(same_datasets(os.path.join(outs["all"], "strategies", recommended, "results.h5"),
                                os.path.join(out, "strategies", recommended, "results.h5")),
                  f"recommended: {recommended}/results.h5 differs from the all run's")
        for name in ["strategies.csv", "pareto.csv"]:
            check(filecmp.cmp(os.path.join(outs["all"], name), os.path.join(out, name),
                              shallow=False), f"{choice}: {name} differs from the all run's")
        untimed = [{k: v for k, v in json.load(open(os.path.join(o, "recommendation.json"))).items()
                    if not k.endswith("_seconds") and not k.endswith("_seconds_estimate")}
                   for o in (outs["all"], out)]
        check(untimed[0] == untimed[1],
              f"{choice}: recommendation.json (its timings aside) differs from the all run's")
        check(same_datasets(os.path.join(outs["all"], "results.h5"),
                            os.path.join(out, "results.h5")),
              f"{choice}: the top-level results.h5 differs from the all run's")
        for name in names:
            a = os.path.join(outs["all"], "strategies", name)
            b = os.path.join(out, "strategies", name)
            others = {p for p in files_below(a)
                      if p not in ("results.h5", "results.xmf") and not p.startswith("vtk")
                      and not p.startswith(".terrafate") and p != "run_summary.json"}
            check(others <= files_below(b), f"{choice}: {name}: files missing: "
                  f"{sorted(others - files_below(b))[:5]}")
            for p in sorted(others & files_below(b)):
                if p.endswith(".csv"):  # carbon.csv cites the deck's path
                    tables = [open(os.path.join(f, p)).read().replace(d, "DECK") for f, d in
                              ((a, os.path.join(work, "all")), (b, os.path.join(work, choice)))]
                    check(tables[0] == tables[1],
                          f"{choice}: {name}/{p} differs from the all run's")

    bad = os.path.join(work, "bad.yaml")
    with open(bad, "w") as f:
        f.write(text.replace(fields_off, "output: {hdf5: true, vtk: false, strategies: some}"))
    result = run([terrafate, "validate", bad], expect=2)
    check("strategies" in result.stderr and "recommended" in result.stderr,
          f"output.strategies: some: {result.stderr!r}")
    print(f"output.strategies: some: {result.stderr.strip()}")
    if failures:
        sys.exit("FAIL:\n" + "\n".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
