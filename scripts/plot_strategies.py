#!/usr/bin/python3
"""Figures and report.html of a terrafate output folder, made by the python/terrafate package
(the same as `/usr/bin/python3 -m terrafate.plot OUTDIR`): maps, breakthrough curves, risk
(cancer risk and hazard index) per receptor with the target and deadline, mass balance, plume
volume, carbon per strategy, the Pareto front, figures.json and report.html. Kept for
`terrafate optimize`, which starts it; works for `run` and ensemble outputs too.

Usage: plot_strategies.py OUTDIR [--top N] [--no-report]
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

from terrafate.plot import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
