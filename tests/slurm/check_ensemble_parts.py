"""An ensemble run in parts (`--realizations A:B`, as the tasks of a Slurm job array do) and
gathered (`--gather`) gives the files of the same ensemble run at once; bad ranges and an
incomplete gather are refused with status 2 and a message naming the problem.

Usage: check_ensemble_parts.py TERRAFATE DECK WORKDIR MPIEXEC

DECK: tests/slurm/ensemble.yaml (6 realizations, a random conductivity field and a lognormal
decay rate). Reference: the whole ensemble on 2 ranks (one realization per rank). Parts: 0:4 on
2 ranks and 4:9 on 1 rank (the end cut at 6) into one folder, then --gather on 1 rank:
ensemble.csv and risk_quantiles.csv byte-identical to the reference, and every realization's
observations.csv and risk.csv too (each realization runs alone on one rank in both).
"""
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
