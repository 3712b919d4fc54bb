"""Institutional control by land-use change (issue 21): a receptor's land use from a time.

Usage: check_land_use.py TERRAFATE WORKDIR

The 1-D site of check_time_to_target.py (benzene, a drinking-water receptor `well`), three runs
with the same groundwater (an institutional control does not change the physics):
- REZONED: `well` is first_class, and an institutional control rezones it to second_class
  from 1000 d (`land_use: {receptors: [well], to: second_class}`);
- FIRST: first_class throughout, no action;
- SECOND: second_class throughout.
Reference: REZONED's risk.csv equals FIRST's before 1000 d and SECOND's from 1000 d on (every
row, 1e-12 relative), and the two land uses' risks differ (so the test can tell them apart).
"""
import csv
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_time_to_target as base  # noqa: E402

CHANGE = 1000.0  # [d]


def run(terrafate, workdir, name, land_use, action):
    text = base.DECK.format(step=20, times=", ".join(f"{t}" for t in range(0, 8001, 500)))
    text = text.replace("land_use: first_class", f"land_use: {land_use}")
    if action:
        text = text.replace(
            "risk:\n",
            "remediation:\n"
            f"  - {{name: rezoning, type: institutional_control, start: {CHANGE:g},\n"
            "     land_use: {receptors: [well], to: second_class}}\n"
            "risk:\n", 1)
    deck = os.path.join(workdir, f"{name}.yaml")
    with open(deck, "w") as f:
        f.write(text)
    out = os.path.join(workdir, name)
    result = subprocess.run([terrafate, "run", deck, "-o", out], capture_output=True, text=True,
                            timeout=600)
    if result.returncode != 0:
        sys.exit(f"FAIL: {deck} exited {result.returncode}\n{result.stderr}")
    with open(os.path.join(out, "risk.csv"), newline="") as f:
        return {(float(r["time"]), r["species"], r["pathway"]): (float(r["cancer_risk"]),
                                                                   float(r["hazard_quotient"]))
                for r in csv.DictReader(f) if r["receptor"] == "well"}


def main():
    terrafate, workdir = sys.argv[1:3]
    if os.path.exists(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    rezoned = run(terrafate, workdir, "rezoned", "first_class", True)
    first = run(terrafate, workdir, "first", "first_class", False)
    second = run(terrafate, workdir, "second", "second_class", False)
    failures = []
    worst = 0.0
    for key, values in rezoned.items():
        reference = first[key] if key[0] < CHANGE else second[key]
        for a, b in zip(values, reference):
            worst = max(worst, abs(a - b) / max(abs(b), 1e-300))
    t = 2000.0
    ratio = first[(t, "all", "all")][0] / second[(t, "all", "all")][0]
    print(f"REZONED vs FIRST before {CHANGE:g} d and SECOND from then on: largest relative "
          f"difference {worst:.2e} over {len(rezoned)} rows; first/second class cancer risk at "
          f"{t:g} d: {ratio:.4f}")
    if worst > 1e-12:
        failures.append(f"the rezoned risk differs by {worst:.2e}")
    if abs(ratio - 1.0) < 0.05:
        failures.append("the two land uses give the same risk: the test cannot tell them apart")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
