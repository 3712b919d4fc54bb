"""An ensemble run in parts (`--realizations A:B`, as the tasks of a Slurm job array do) and
gathered (`--gather`) gives the files of the same ensemble run at once; bad ranges and an
incomplete gather are refused with status 2 and a message naming the problem.

Usage: check_ensemble_parts.py TERRAFATE DECK WORKDIR MPIEXEC

DECK: tests/slurm/ensemble.yaml (6 realizations, a random conductivity field and a lognormal
decay rate). Reference: the whole ensemble on 2 ranks (one realization per rank). Parts: 0:4 on
2 ranks and 4:9 on 1 rank (the end cut at 6) into one folder, then --gather on 1 rank:
ensemble.csv and risk_quantiles.csv byte-identical to the reference, and every realization's
observations.csv and risk.csv too (each realization runs alone on one rank in both).
ensemble.csv's per-step columns (time_to_target, unstable) by hand from each realization's
compliance.csv and receptor_series.csv: the gather reads the series as the in-process run uses
them (some realization must be unstable, or the comparison would not show it).
"""
import csv
import math
import os
import shutil
import subprocess
import sys


def run(args, expect=0):
    result = subprocess.run(args, capture_output=True, text=True, timeout=300)
    if result.returncode != expect:
        sys.exit(f"FAIL: {' '.join(args)} exited {result.returncode} (expected {expect})\n"
                 f"{result.stdout}\n{result.stderr}")
    return result


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def check_series_columns(folder, failures):
    """ensemble.csv's time_to_target (the latest of compliance.csv's) and unstable (the
    least-squares rise of each receptor's worst ratio over the last 1826.25 d of
    receptor_series.csv above 1e-3 of the target), by hand from each realization's files; some
    realization must be unstable (the gather read the per-step series)."""
    window, unstable_count = 1826.25, 0
    for row in rows(os.path.join(folder, "ensemble.csv")):
        member = os.path.join(folder, "realizations", f"{int(row['realization']):04d}")
        times = [float(r["time_to_target"]) for r in rows(os.path.join(member, "compliance.csv"))]
        latest = math.nan if any(math.isnan(t) for t in times) else max(times)
        series = {}
        for r in rows(os.path.join(member, "receptor_series.csv")):
            standard = float(r["max_standard_ratio"])
            ratio = max(float(r["max_cancer_risk"]) / 1e-6, float(r["max_hazard_index"]),
                        standard if not math.isnan(standard) else -math.inf)
            series.setdefault(r["receptor"], []).append((float(r["time"]), ratio))
        rises = []
        for points in series.values():
            kept = [(t, v) for t, v in points if t >= points[-1][0] - window]
            mt = sum(t for t, _ in kept) / len(kept)
            mv = sum(v for _, v in kept) / len(kept)
            slope = (sum((t - mt) * (v - mv) for t, v in kept) /
                     sum((t - mt) ** 2 for t, _ in kept))
            rises.append(slope * window)
        unstable = int(any(rise > 1e-3 for rise in rises))
        unstable_count += unstable
        got = float(row["time_to_target"])
        print(f"realization {row['realization']}: time_to_target {row['time_to_target']} (by hand "
              f"{latest}), unstable {row['unstable']} (by hand {unstable}; rise "
              f"{max(rises):.4g})")
        if not (got == latest or (math.isnan(got) and math.isnan(latest))) or \
                row["unstable"] != str(unstable):
            failures.append(f"ensemble.csv realization {row['realization']}: {row}")
    if unstable_count == 0:
        failures.append("no realization is unstable: the check of the gathered series is void")


def main():
    terrafate, deck, workdir, mpiexec = sys.argv[1:5]
    if os.path.exists(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    mpi2 = [mpiexec, "--oversubscribe", "-n", "2", terrafate]
    whole = os.path.join(workdir, "whole")
    parts = os.path.join(workdir, "parts")
    run(mpi2 + ["run", deck, "-o", whole])
    run(mpi2 + ["run", deck, "-o", parts, "--realizations", "0:4"])
    # An incomplete gather names the realizations that have not run.
    result = run([terrafate, "run", deck, "-o", parts, "--gather"], expect=2)
    failures = []
    if "4, 5" not in result.stderr or "--realizations" not in result.stderr:
        failures.append(f"the incomplete gather's message: {result.stderr!r}")
    run([terrafate, "run", deck, "-o", parts, "--realizations", "4:9"])
    if os.path.exists(os.path.join(parts, "ensemble.csv")):
        failures.append("a part wrote ensemble.csv")
    run([terrafate, "run", deck, "-o", parts, "--gather"])
    compared = 0
    files = ["ensemble.csv", "risk_quantiles.csv"] + [
        os.path.join("realizations", f"{r:04d}", name) for r in range(6)
        for name in ("observations.csv", "risk.csv", "status.txt")]
    for name in files:
        a, b = open(os.path.join(whole, name)).read(), open(os.path.join(parts, name)).read()
        if a != b:
            failures.append(f"{name} differs between the parts and the whole ensemble")
        compared += 1
    check_series_columns(parts, failures)
    quantile_rows = len(open(os.path.join(whole, "risk_quantiles.csv")).read().splitlines()) - 1
    if quantile_rows != 3:
        failures.append(f"risk_quantiles.csv has {quantile_rows} rows, not 3 (output times)")
    print(f"parts 0:4 + 4:9 gathered: {compared} files compared with the whole ensemble")

    # Bad input: status 2 and a message.
    for args, words in [(["--realizations", "6:7"], "has 6 realizations"),
                        (["--realizations", "3:3"], "0 <= A < B"),
                        (["--realizations", "x:2"], "give A:B"),
                        (["--realizations", "2"], "give A:B"),
                        (["--gather", "--realizations", "0:1"], "excludes"),
                        ]:
        result = run([terrafate, "run", deck, "-o", os.path.join(workdir, "bad")] + args,
                     expect=2)
        if words not in result.stderr + result.stdout:
            failures.append(f"{args}: the message lacks '{words}': {result.stderr!r}")
    single = os.path.join(os.path.dirname(deck), "plume.yaml")
    result = run([terrafate, "run", single, "-o", os.path.join(workdir, "bad"), "--gather"],
                 expect=2)
    if "ensemble" not in result.stderr:
        failures.append(f"--gather without an ensemble: {result.stderr!r}")
    if failures:
        print("\n".join("FAIL: " + f for f in failures))
        sys.exit(1)
    print("PASS")


if __name__ == "__main__":
    main()
