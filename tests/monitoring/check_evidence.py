#!/usr/bin/python3
"""`terrafate evidence` on a record that contradicts natural attenuation (tests/monitoring/evidence):
the downgradient wells must be reported Increasing with the Mann-Kendall S, p-value and Sen slope
of the published examples (USEPA 2009 Unified Guidance Examples 17-6 and 17-7, values from
EnvStats::kendallTrendTest), the source well's point decay rate must equal the hand calculation
of test_monitoring, a flow path without seepage_velocity must take it from the steady flow
(uniform 1-D flow by hand), and a bad monitoring.csv row must stop validate and evidence with exit 2 and
file:line.
Usage: check_evidence.py TERRAFATE DECK_FOLDER WORKDIR
"""
import csv
import math
import os
import shutil
import subprocess
import sys

failures = []


def expect(name, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'} {name} {detail}")
    if not ok:
        failures.append(name)


def near(a, b, tol):
    return abs(a - b) <= tol


def exact_upper(n, s):
    """One-sided exact P(S >= s) of the Mann-Kendall S without ties: S = n(n-1)/2 - 2 I with I
    the inversions of a random permutation; the inversion counts by the Mahonian recurrence."""
    counts = [1]
    for k in range(2, n + 1):
        new = [0] * (len(counts) + k - 1)
        for i, c in enumerate(counts):
            for j in range(k):
                new[i + j] += c
        counts = new
    total = sum(counts)
    pairs = n * (n - 1) // 2
    return sum(c for inv, c in enumerate(counts) if pairs - 2 * inv >= s) / total


def run(command):
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def main():
    terrafate, deck_folder, workdir = sys.argv[1:4]
    if os.path.exists(workdir):
        shutil.rmtree(workdir)
    shutil.copytree(deck_folder, os.path.join(workdir, "good"))
    deck = os.path.join(workdir, "good", "deck.yaml")
    out = os.path.join(workdir, "out")
    result = run([terrafate, "evidence", deck, "-o", out])
    expect("evidence exits 0", result.returncode == 0, result.stdout + result.stderr)
    if result.returncode != 0:
        return 1
    with open(os.path.join(out, "trends.csv")) as f:
        trends = {(r["well"], r["species"]): r for r in csv.DictReader(f)}
    # Example 17-6 (MW3): S = 194, two-sided p = 3.267574e-07, Sen slope 26.6666667 per year;
    # here ug/L over 365 d, reported in mg/L/d.
    mw3 = trends[("MW3", "TCE")]
    expect("MW3 n", int(mw3["n"]) == 23, mw3)
    expect("MW3 S", int(mw3["mann_kendall_s"]) == 194, mw3)
    expect("MW3 p", near(2 * float(mw3["p_value"]), 3.267574e-07, 1e-12), mw3)
    expect("MW3 Sen slope", near(float(mw3["sen_slope"]) * 365 * 1000, 26.6666667, 1e-6), mw3)
    expect("MW3 Increasing", mw3["trend"] == "Increasing", mw3)
    # Example 17-7 (MW2): S = 25, Sen slope 1.3333333 per year; n = 10: the exact p-value.
    mw2 = trends[("MW2", "TCE")]
    expect("MW2 S", int(mw2["mann_kendall_s"]) == 25, mw2)
    expect("MW2 exact p", near(float(mw2["p_value"]), exact_upper(10, 25), 1e-9),
           f"{mw2['p_value']} vs {exact_upper(10, 25):.10g}")
    expect("MW2 Sen slope", near(float(mw2["sen_slope"]) * 365 * 1000, 1.3333333, 1e-6), mw2)
    expect("MW2 Increasing", mw2["trend"] == "Increasing", mw2)
    # The source well falls at every sample (the non-detect below all): S = -21 of 7, exact
    # p = 1/7! = 1/5040.
    mw1 = trends[("MW1", "PCE")]
    expect("MW1 S", int(mw1["mann_kendall_s"]) == -21, mw1)
    expect("MW1 p", near(float(mw1["p_value"]), 1 / 5040, 1e-9), mw1)
    expect("MW1 Decreasing", mw1["trend"] == "Decreasing", mw1)
    with open(os.path.join(out, "rates.csv")) as f:
        rates = [r for r in csv.DictReader(f)]
    point = [r for r in rates if r["well"] == "MW1" and r["kind"] == "point"]
    # test_monitoring PointDecayRateWithInterval: least squares of ln C by hand.
    expect("MW1 point rate", len(point) == 1 and
           near(float(point[0]["rate"]), 8.153572131523e-4, 1e-9) and
           near(float(point[0]["rate_low"]), 6.537819542440e-4, 1e-9) and
           near(float(point[0]["rate_high"]), 9.769324720606e-4, 1e-9), point)
    for name in ("stability.csv", "ratios.csv"):
        expect(f"{name} written", os.path.getsize(os.path.join(out, name)) > 0)

    # A flow path without seepage_velocity takes it from the steady flow: K 10 m/d, heads 20 and
    # 19 m on faces 400 m apart, porosity 0.3: v = 10 x (1/400) / 0.3 = 0.0833333 m/d, uniform.
    # With C = 80 exp(-0.01 x) along the path the bulk rate is 0.01 x v = 8.333333e-4 1/d.
    flow = os.path.join(workdir, "flow")
    shutil.copytree(deck_folder, flow)
    text = open(os.path.join(flow, "deck.yaml")).read()
    open(os.path.join(flow, "deck.yaml"), "w").write(
        text.replace(", seepage_velocity: 0.2}", "}").replace("dispersivity: 10", "dispersivity: 0"))
    with open(os.path.join(flow, "monitoring.csv"), "w") as f:
        f.write("well,time,species,value,unit\n")
        for well, x in (("MW1", 0.0), ("MW2", 150.0), ("MW3", 300.0)):
            f.write(f"{well},0,TCE,{80 * math.exp(-0.01 * x):.15g},mg/L\n")
    result = run([terrafate, "evidence", os.path.join(flow, "deck.yaml"), "-o",
                  os.path.join(workdir, "flow_out")])
    expect("model velocity: evidence exits 0", result.returncode == 0, result.stderr)
    if result.returncode == 0:
        with open(os.path.join(workdir, "flow_out", "rates.csv")) as f:
            bulk = [r for r in csv.DictReader(f) if r["kind"] == "bulk"]
        expect("model velocity: bulk rate 0.01 x 10 (1/400) / 0.3",
               len(bulk) == 1 and abs(float(bulk[0]["rate"]) / (0.01 * 10 / 400 / 0.3) - 1) < 1e-6,
               bulk)

    # A bad row (line 5: a value that is not a number) stops validate and evidence with exit 2.
    bad = os.path.join(workdir, "bad")
    shutil.copytree(deck_folder, bad)
    path = os.path.join(bad, "monitoring.csv")
    lines = open(path).read().splitlines()
    lines[4] = lines[4].replace(",52,", ",fifty,")
    open(path, "w").write("\n".join(lines) + "\n")
    for command in ("validate", "evidence"):
        result = run([terrafate, command, os.path.join(bad, "deck.yaml"), "-o",
                      os.path.join(workdir, "bad_out")] if command == "evidence" else
                     [terrafate, command, os.path.join(bad, "deck.yaml")])
        expect(f"bad row: {command} exits 2 with file:line",
               result.returncode == 2 and "monitoring.csv:5" in result.stderr,
               result.stderr.strip())
    expect("bad row: no output folder", not os.path.exists(os.path.join(workdir, "bad_out")))

    # --overwrite replaces the previous evidence run's tables: evidence holds its output folder
    # to the end (lock and manifest), so the tables are recorded as terrafate's (issue 26).
    result = run([terrafate, "evidence", deck, "-o", out, "--overwrite"])
    expect("evidence --overwrite over its own tables exits 0", result.returncode == 0,
           result.stderr.strip())
    with open(os.path.join(out, "trends.csv")) as f:
        expect("evidence --overwrite rewrites trends.csv",
               {(r["well"], r["species"]) for r in csv.DictReader(f)} == set(trends))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
