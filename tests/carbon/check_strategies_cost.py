"""strategies.csv and report.md of `terrafate optimize` carry each strategy's footprint
indicators and present-value cost; a missing price makes the total `partial` and names it.

Usage: check_strategies_cost.py TERRAFATE DECK WORKDIR

DECK is inputs/verification/optimize_strategies/late_deadline.yaml (MNA, EISB, THERMAL, each
with the monitoring action). Its carbon section gains present_value with a capital and an O&M
entry for every action except the O&M of `monitoring`, and `minimize: weighted` with a weight
on ghg only (so the ranking must be the carbon ranking). Expected by construction: every
strategy's cost_status is `partial` and report.md names `om_per_year:monitoring`; the ghg
column equals the tco2e column.
"""
import csv
import json
import math
import os
import re
import shutil
import subprocess
import sys


def main():
    terrafate, deck, workdir = sys.argv[1:4]
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    text = open(deck).read()
    text = text.replace(
        "  costs: {electricity: 0.8, material:electron_donor: 15}\n",
        "  costs: {electricity: 0.8, material:electron_donor: 15, vehicle_km: 2}\n"
        "  present_value:\n    discount_rate: 0.05\n"
        "    capital: {monitoring: 1000, eisb: 20000, thermal: 50000}\n"
        "    om_per_year: {eisb: 0, thermal: 0}\n")
    text = re.sub(r"minimize: carbon", "minimize: weighted, weights: {ghg: 1}", text)
    if "present_value" not in text or "weighted" not in text:
        sys.exit("FAIL: the deck's carbon or objective section changed; update this check")
    path = os.path.join(workdir, "deck.yaml")
    open(path, "w").write(text)
    out = os.path.join(workdir, "out")
    result = subprocess.run([terrafate, "optimize", path, "-o", out], capture_output=True,
                            text=True, timeout=900)
    if result.returncode != 0:
        sys.exit(f"FAIL: optimize exited {result.returncode}: {result.stderr[-2000:]}")
    rows = list(csv.DictReader(open(os.path.join(out, "strategies.csv"))))
    report = open(os.path.join(out, "report.md")).read()
    failures = []
    for r in rows:
        print(f"{r['name']}: ghg {r['ghg']} (tco2e {r['tco2e']}), present value "
              f"{r['present_value']} {r['currency']}, {r['cost_status']}")
        if r["cost_status"] != "partial" or r["currency"] != "CNY":
            failures.append(f"{r['name']} status {r['cost_status']} {r['currency']}")
        if not math.isclose(float(r["ghg"]), float(r["tco2e"]), rel_tol=1e-9):
            failures.append(f"{r['name']} ghg")
        if f"- {r['name']}: present value" not in report:
            failures.append(f"report.md lacks {r['name']}")
    if "om_per_year:monitoring" not in report:
        failures.append("report.md does not name the missing O&M price")
    feasible = sorted((float(r["tco2e"]), r["name"]) for r in rows if r["feasible"] == "1")
    chosen = json.load(open(os.path.join(out, "recommendation.json"))).get("recommended")
    if feasible and chosen != feasible[0][1]:
        failures.append(f"weighted on ghg chose {chosen}, carbon ranking {feasible[0][1]}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
