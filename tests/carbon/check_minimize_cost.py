"""`minimize: cost` ranks the strategies on their present value, not on the undiscounted cost.

Usage: check_minimize_cost.py TERRAFATE DECK WORKDIR

DECK is inputs/verification/optimize_strategies/late_deadline.yaml (MNA, EISB, THERMAL, each
with the monitoring action), here with the deadline at 1000 d (MNA does not comply, EISB and
THERMAL do: tests/optimize/check_optimize.py), every item priced (electricity 0.8, electron
donor 15, vehicle_km 2 CNY) and carbon.present_value at 5 %/a with capital 100000 CNY for `eisb`
and 0 for everything else, O&M 0. Then:
- the undiscounted `cost` of EISB (15000 donor + 200 kWh x 0.8 + monitoring) is below THERMAL's
  (1.5 kWh/m3/d x 40 m3 x 1000 d x 0.8 = 48000 + monitoring): ranking on it picks EISB;
- the present values: THERMAL - MNA (the two differ by the thermal action only) is its
  electricity spread uniformly over [100, 1100] d, each run year's share (Y = 365.25 d)
  discounted at that year's end: 48 CNY/d x (265.25/1.05 + 365.25/1.05^2 + 365.25/1.05^3 +
  4.25/1.05^4) = 43340.4 CNY (hand, 1e-9), and EISB's exceeds THERMAL's by more than the
  discounted capital 100000/1.05 - 43340.4 > 0: ranking on the present value picks THERMAL.
Pass: recommendation.json recommends THERMAL, the lowest present value, not EISB, the lowest
cost, and strategies.csv's THERMAL - MNA present value equals the hand value.
"""
import csv
import json
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
    old_costs = "  costs: {electricity: 0.8, material:electron_donor: 15}\n"
    text = text.replace(
        old_costs,
        "  costs: {electricity: 0.8, material:electron_donor: 15, vehicle_km: 2}\n"
        "  present_value:\n    discount_rate: 0.05\n"
        "    capital: {monitoring: 0, eisb: 100000, thermal: 0}\n"
        "    om_per_year: {monitoring: 0, eisb: 0, thermal: 0}\n")
    text, count = re.subn(r"objective: \{deadline: 4500, horizon: 5000, minimize: carbon\}",
                          "objective: {deadline: 1000, horizon: 5000, minimize: cost}", text)
    if count != 1 or "present_value" not in text:
        sys.exit("FAIL: the deck's carbon or objective section changed; update this check")
    path = os.path.join(workdir, "deck.yaml")
    open(path, "w").write(text)
    out = os.path.join(workdir, "out")
    result = subprocess.run([terrafate, "optimize", path, "-o", out], capture_output=True,
                            text=True, timeout=900)
    if result.returncode != 0:
        sys.exit(f"FAIL: optimize exited {result.returncode}: {result.stderr[-2000:]}")
    rows = {r["name"]: r for r in csv.DictReader(open(os.path.join(out, "strategies.csv")))}
    failures = []
    for name, r in rows.items():
        print(f"{name}: feasible {r['feasible']}, cost {r['cost']}, present value "
              f"{r['present_value']} {r['currency']} ({r['cost_status']})")
        if r["cost_status"] != "complete":
            failures.append(f"{name} cost status {r['cost_status']}")
    if rows["EISB"]["feasible"] != "1" or rows["THERMAL"]["feasible"] != "1":
        failures.append("EISB and THERMAL must both comply by 1000 d")
    years = [265.25, 365.25, 365.25, 4.25]
    hand = 48.0 * sum(days / 1.05 ** (j + 1) for j, days in enumerate(years))
    thermal = float(rows["THERMAL"]["present_value"]) - float(rows["MNA"]["present_value"])
    print(f"THERMAL - MNA present value {thermal:.10g} CNY (hand {hand:.10g})")
    if abs(thermal / hand - 1.0) > 1e-9:
        failures.append(f"THERMAL present value {thermal} vs hand {hand}")
    if not float(rows["EISB"]["cost"]) < float(rows["THERMAL"]["cost"]):
        failures.append("EISB's undiscounted cost should be the lower: the test is blind")
    chosen = json.load(open(os.path.join(out, "recommendation.json"))).get("recommended")
    print(f"recommended {chosen}")
    if chosen != "THERMAL":
        failures.append(f"minimize: cost chose {chosen}, not THERMAL (the lowest present value)")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
