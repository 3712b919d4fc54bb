#!/usr/bin/python3
"""2 ranks with a held-concentration source on one rank only: the run must finish (a 120 s
bound; it once deadlocked), close its mass balance to 1e-8 and agree with the 1-rank run at the
observation points to 1e-8 of the largest concentration (here the runs differ by about 3e-10,
through the flow solution: GAMG at 1 and 2 ranks converges to rtol 1e-12 along different
iterates).
Usage: check_one_sided_source.py TERRAFATE DECK WORKDIR MPIEXEC
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import transport_outputs as outputs  # noqa: E402


def main():
    terrafate, deck, workdir, mpiexec = sys.argv[1:5]
    results = {}
    for ranks in (1, 2):
        out = os.path.join(workdir, f"np{ranks}")
        try:
            outputs.run(terrafate, deck, out, ranks=ranks, mpiexec=mpiexec, timeout=120)
        except subprocess.TimeoutExpired:
            sys.exit(f"FAIL: the {ranks}-rank run did not finish in 120 s (deadlock?)")
        outputs.check_mass_balance(out, ["C"], 1e-8)
        results[ranks] = outputs.concentrations(out, ["C"])
    scale = max(abs(value) for value in results[1].values())
    worst = max(abs(results[1][key] - results[2][key]) for key in results[1]) / scale
    print(f"1 vs 2 ranks: largest difference {worst:.2e} of the largest concentration")
    if set(results[1]) != set(results[2]) or worst > 1e-8:
        sys.exit("FAIL")
    print("PASS")


if __name__ == "__main__":
    main()
