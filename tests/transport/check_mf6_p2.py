#!/usr/bin/python3
"""MODFLOW 6 parity, problem 2 of ../shared/reference/mf6 (MT3DMS benchmark problem 3: 2-D
uniform flow with a continuously injecting well, TVD). The parity tolerance stated there: at the
observation points where MODFLOW 6 has C > 1 mg/L at 100, 200 and 365 d, the relative difference
from MODFLOW 6 TVD is at most 5 %. Also: no concentration below -1e-12 mg/L at any point and
every mass-balance closure below 1e-8.
Usage: check_mf6_p2.py TERRAFATE DECK REFERENCE_CSV WORKDIR
"""
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import transport_outputs as outputs  # noqa: E402


def main():
    terrafate, deck, reference_csv, workdir = sys.argv[1:5]
    out = os.path.join(workdir, "p2")
    outputs.run(terrafate, deck, out)
    simulated = outputs.concentrations(out, ["C"])
    outputs.check_mass_balance(out, ["C"], 1e-8)
    with open(reference_csv, newline="") as f:
        reference = {round(float(row["time"]), 6): row for row in csv.DictReader(f)}
    failures, compared = [], 0
    print(f"{'time':>5} {'point':<18} {'terrafate':>11} {'MF6 TVD':>11} {'rel. diff':>9}")
    for time in (100.0, 200.0, 365.0):
        for location, value in reference[time].items():
            if location == "time":
                continue
            expected = float(value)
            actual = simulated[(location, "C", time)]
            if actual < -1e-12:
                failures.append(f"{location} at {time} d is negative ({actual:.3e})")
            if expected <= 1.0:
                continue
            relative = abs(actual - expected) / expected
            compared += 1
            print(f"{time:>5g} {location:<18} {actual:>11.5f} {expected:>11.5f} {relative:>9.5f}")
            if relative > 0.05:
                failures.append(f"{location} at {time} d differs by {relative:.2%}")
    if compared < 6 or failures:
        sys.exit("FAIL: " + ("; ".join(failures) or f"only {compared} points compared"))
    print(f"PASS ({compared} points within 5 % of MODFLOW 6 TVD)")


if __name__ == "__main__":
    main()
