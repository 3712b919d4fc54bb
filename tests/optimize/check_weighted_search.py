"""The design search under `objective.minimize: weighted`: NSGA-II and COBYLA minimize the
weighted score, each indicator scaled by its largest value among the explicit strategies.

Usage: check_weighted_search.py TERRAFATE WORKDIR

The site and design space of check_design_search.py (a pump-and-treat rate in [-60, -5] m3/d
on a 1-D column), with carbon.indicators [ghg, energy] and weights {ghg: 1,
energy_grid_electricity: 2}. By hand, from strategies.csv: a row's score = ghg / ghg(PT) +
2 energy_grid_electricity / energy_grid_electricity(PT), PT being the only explicit strategy
(rate -40). Checked: the last progress line's best feasible design and its score (printed to 6
significant digits) are the feasible design row with the lowest hand score; recommendation.json
recommends the stable feasible row (unstable 0; an unstable one ranks after every stable one)
with the lowest score scaled by the feasible rows' largest values.
"""
import csv
import json
import math
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
import check_design_search as site  # noqa: E402

WEIGHTED = site.OPTIMIZE.replace(
    "minimize: carbon}",
    "minimize: weighted,\n            weights: {ghg: 1, energy_grid_electricity: 2}}")


def main():
    terrafate, workdir = sys.argv[1:3]
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    if WEIGHTED == site.OPTIMIZE:
        sys.exit("FAIL: check_design_search.OPTIMIZE changed; update this check")
    text = site.SITE.format(rate=-40, times=site.TIMES).replace(
        "  grid: china-national-2022\n",
        "  grid: china-national-2022\n  indicators: [ghg, energy]\n") + WEIGHTED
    deck = os.path.join(workdir, "site.yaml")
    open(deck, "w").write(text)
    out = os.path.join(workdir, "optimize")
    result = subprocess.run([terrafate, "optimize", deck, "-o", out], capture_output=True,
                            text=True, timeout=900)
    if result.returncode != 0:
        sys.exit(f"FAIL: optimize exited {result.returncode}: {result.stderr[-2000:]}")
    progress = [line for line in result.stdout.splitlines() if "designs " in line]
    print(progress[-1] if progress else "no progress line")
    rows = list(csv.DictReader(open(os.path.join(out, "strategies.csv"))))
    base = [r for r in rows if r["name"] == "PT"][0]

    def score(r):
        return (float(r["ghg"]) / float(base["ghg"]) +
                2 * float(r["energy_grid_electricity"]) / float(base["energy_grid_electricity"]))

    failures = []
    designs = [r for r in rows if r["name"].startswith("design_") and r["feasible"] == "1"]
    if not designs:
        sys.exit("FAIL: no feasible design")
    best = min(designs, key=score)
    match = re.search(r"best feasible: (\S+) \(([0-9.e+-]+) weighted score\)",
                      progress[-1] if progress else "")
    print(f"{len(designs)} feasible designs; lowest hand score {best['name']} {score(best):.6g} "
          f"(ghg {best['ghg']} t, rate {best.get('pt.rate')})")
    if not match:
        failures.append("the progress line does not report a weighted score")
    elif match.group(1) != best["name"] or not math.isclose(float(match.group(2)), score(best),
                                                             rel_tol=1e-5):
        failures.append(f"progress best {match.group(1)} {match.group(2)}")
    # The recommendation scales by the largest value among the feasible rows (docs/footprint.md).
    feasible = [r for r in rows if r["feasible"] == "1"]
    top = {k: max(float(r[k]) for r in feasible) for k in ("ghg", "energy_grid_electricity")}
    recommended = json.load(open(os.path.join(out, "recommendation.json")))["recommended"]
    # An unstable row ranks after every stable feasible one (docs/user-guide.md).
    stable = [r for r in feasible if r["unstable"] == "0"] or feasible
    lowest = min(stable, key=lambda r: float(r["ghg"]) / top["ghg"] + 2 * float(
        r["energy_grid_electricity"]) / top["energy_grid_electricity"])["name"]
    print(f"recommended {recommended}, lowest hand score among the {len(stable)} stable feasible "
          f"rows {lowest}")
    if recommended != lowest:
        failures.append(f"recommended {recommended}, expected {lowest}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
